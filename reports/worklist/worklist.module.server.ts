/**
 * The work list as a registry module (issue 19 §6, ADR 026): the same list as the page for the same «days»
 * («как сейчас»), found by the app as the page finds it (`ReportSubjects.worklist`), phones and names
 * masked for roles without personal data.
 */
import { z } from 'zod'
import { normText } from '#reports/callbacks/callbacks.server.ts'
import { type Facts, defineReport, subjectOf } from '#reports/registry/report.ts'
import { dayText, localDayOf } from '#reports/time/days.ts'
import { formatLocalDateTime } from '#reports/time/local-time.ts'
import { WORKLIST_TITLE, workListFile } from './file.server.ts'

export const workListReport = defineReport({
  id: 'worklist',
  title: WORKLIST_TITLE,
  page: 'worklist[.xlsx].ts',
  from: '«Список дел»',
  input: 'none',
  subject: 'worklist',
  formats: ['xlsx'],
  // «days» (0–30, else 3) is read with the page's rule when the list is found
  params: z.object({ days: z.string().optional() }),
  prepare: async (ctx) => subjectOf(ctx, 'worklist'),
  about(ctx, _p, { list, days }): Facts {
    const zone = ctx.org.zone
    return [
      ['Отчёт', WORKLIST_TITLE],
      ['Организация', ctx.org.name],
      ['По состоянию на', `${formatLocalDateTime(list.asOf, zone)} (${zone})`],
      ['Срок на подходе', `${days} рабочих дней (до ${formatLocalDateTime(list.dueUntil, zone)})`],
      ['Норматив перезвона', normText(list.norm)],
      ['Доступ пользователя', ctx.scope.branches === 'all' ? 'вся организация' : 'свои филиалы'],
      ['Персональные данные', ctx.personalData ? 'показаны' : 'скрыты (роль без доступа к персональным данным)'],
      ['Строк', `обращений ${list.appeals.length}, потерянных звонков ${list.lostCalls.length}, загрузок ${list.imports.length}`],
      ['Сформировал', ctx.by],
    ]
  },
  name: (ctx, _p, { list }) => ({ what: 'Список-дел', period: { day: dayText(localDayOf(list.asOf, ctx.org.zone)) } }),
  write: { xlsx: ({ list }, about, ctx) => workListFile('xlsx', list, about, ctx.org.name) },
  audit: (_ctx, _p, { days }) => ({ object: 'список дел', days }),
})
