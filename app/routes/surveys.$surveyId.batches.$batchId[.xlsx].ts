import type { LoaderFunctionArgs } from '@remix-run/node'
import { downloadReport } from '#app/utils/download.server.ts'

/** The older address of a batch of links (the registry's `survey-batch`, `/files/survey-batch/xlsx?survey=<№>&batch=<№>`). */
export function loader({ request, params, context }: LoaderFunctionArgs) {
  return downloadReport(request, 'survey-batch', 'xlsx', { ip: context?.ip, extra: { survey: params.surveyId ?? '', batch: params.batchId ?? '' } })
}
