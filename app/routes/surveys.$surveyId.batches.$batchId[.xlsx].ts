import type { LoaderFunctionArgs } from '@remix-run/node'
import { fileNameOf } from '#reports/registry/file-names.ts'
import { recordAudit } from '#app/models/audit.server.ts'
import { batchLinks, getBatch, requireSurvey } from '#app/models/survey.server.ts'
import { canSeePersonalData, maskPersonal } from '#app/utils/access.ts'
import { getAppContext } from '#app/utils/app-database.server.ts'
import { getScope, requireRouteAccess } from '#app/utils/auth.server.ts'
import { formatDateTime } from '#reports/format.ts'
import { xlsxResponse } from '#app/utils/view.server.ts'
import { DELIVERIES } from '#reports/surveys/questions.ts'
import { batchWorkbook } from '#reports/surveys/exports.server.ts'
import { surveyUrl } from '#reports/surveys/qr.server.ts'

/** A batch of single-use links with the appeals' contacts, to send by SMS or e-mail. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireRouteAccess(request, 'surveys.$surveyId.batches.$batchId[.xlsx].ts')
  const { database, org } = await getAppContext()
  const survey = await requireSurvey(database.db, org.id, params.surveyId)
  const batch = await getBatch(database.db, survey.id, params.batchId)
  if (!batch) throw new Response('Такого выпуска ссылок нет.', { status: 404 })
  const personal = canSeePersonalData(user.roles)
  await recordAudit(database.db, {
    orgId: org.id,
    userId: user.id,
    actor: user.login,
    action: 'export',
    object: `ссылки опроса: ${survey.title}`,
    details: { report: 'survey-batch', survey: survey.id, batch: batch.id, links: batch.created, personalData: personal },
    ip: context?.ip,
  })
  const about = [
    ['Отчёт', 'Выпуск ссылок на опрос'],
    ['Организация', org.name],
    ['Обращения закрыты', `${batch.closed_from} — ${batch.closed_to}`],
    ['Способ', DELIVERIES[batch.delivery]],
    ['Выпустил', `${batch.created_by_name}, ${formatDateTime(batch.created_at, org.time_zone)}`],
    ['Персональные данные', personal ? 'показаны' : 'скрыты (нет доступа)'],
    ['Сформирован', formatDateTime(new Date(), org.time_zone)],
    ['Сформировал', `${user.fullName} (${user.login})`],
  ] as const
  const stream = batchWorkbook(
    survey,
    batchLinks(database.db, survey.id, batch.id, getScope(user)),
    (token) => surveyUrl(request, token),
    org.time_zone,
    (v) => (personal ? v : v ? maskPersonal(v) : v),
    about,
  )
  return xlsxResponse(stream, fileNameOf({ what: 'Ссылки-опроса', detail: [`№${survey.id}`, `выпуск-${batch.id}`], ext: 'xlsx' }))
}
