import type { LoaderFunctionArgs } from '@remix-run/node'
import { downloadReport } from '#app/utils/download.server.ts'

/**
 * The older address of a survey's summary or answers (pages, mails and bookmarks point at it): the
 * registry's `survey-summary` / `survey-answers`, as `/files/survey-summary/xlsx?survey=<№>&<вид>` serves them.
 */
export function loader({ request, params, context }: LoaderFunctionArgs) {
  const file = params.file
  if (file !== 'summary' && file !== 'answers') throw new Response('Такого файла нет.', { status: 404 })
  return downloadReport(request, `survey-${file}`, 'xlsx', { ip: context?.ip, extra: { survey: params.surveyId ?? '' } })
}
