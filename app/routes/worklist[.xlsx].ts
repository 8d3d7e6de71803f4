import type { LoaderFunctionArgs } from '@remix-run/node'
import { fileNameOf } from '#reports/registry/file-names.ts'
import { recordAudit } from '#app/models/audit.server.ts'
import { xlsxResponse } from '#app/utils/view.server.ts'
import { workListContext } from '#app/utils/worklist-view.server.ts'
import { normText } from '#reports/callbacks/callbacks.server.ts'
import { WORKLIST_TITLE, workListFile } from '#reports/worklist/file.server.ts'
import { formatLocalDateTime } from '#reports/time/local-time.ts'
import { dayText, localDayOf } from '#reports/time/days.ts'

/** The work list as XLSX: the same list as the page for the same «days». */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { list, user, org, days, scope, personalData, database } = await workListContext(request, 'worklist[.xlsx].ts')
  const about: [string, string][] = [
    ['Отчёт', WORKLIST_TITLE],
    ['Организация', org.name],
    ['По состоянию на', `${formatLocalDateTime(list.asOf, org.time_zone)} (${org.time_zone})`],
    ['Срок на подходе', `${days} рабочих дней (до ${formatLocalDateTime(list.dueUntil, org.time_zone)})`],
    ['Норматив перезвона', normText(list.norm)],
    ['Доступ пользователя', scope.branches === 'all' ? 'вся организация' : 'свои филиалы'],
    ['Персональные данные', personalData ? 'показаны' : 'скрыты (роль без доступа к персональным данным)'],
    ['Строк', `обращений ${list.appeals.length}, потерянных звонков ${list.lostCalls.length}, загрузок ${list.imports.length}`],
    ['Сформировал', `${user.fullName} (${user.login})`],
  ]
  await recordAudit(database.db, {
    orgId: org.id,
    userId: user.id,
    actor: user.login,
    action: 'export',
    object: 'список дел',
    details: { days },
    ip: context?.ip,
  })
  return xlsxResponse(
    workListFile('xlsx', list, about, org.name),
    fileNameOf({ what: 'Список-дел', period: { day: dayText(localDayOf(list.asOf, org.time_zone)) }, ext: 'xlsx' }),
  )
}
