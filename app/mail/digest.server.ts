/**
 * The alert e-mail: a user's work list (reports/worklist) in his scope, as of the alert's moment, personal
 * data only for roles that may see it; `empty` when there is nothing to do (then nothing is sent).
 */
import type { Database } from '#db/client.server.ts'
import type { Scope } from '#db/scope.server.ts'
import { formatLocalDate, formatLocalDateTime } from '#reports/time/local-time.ts'
import { normText } from '#reports/callbacks/callbacks.server.ts'
import { kindLabel } from '#reports/worklist/labels.ts'
import { IMPORT_STATUS_TEXT, buildWorkList, workListIsEmpty } from '#reports/worklist/worklist.server.ts'

const escape = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!)

export interface Digest {
  subject: string
  text: string
  html: string
  empty: boolean
  counts: { overdue: number; dueSoon: number; lostCalls: number; imports: number }
}

export async function digestMessage(
  database: Database,
  o: { scope: Scope; asOf: Date; dueDays: number; personalData: boolean; zone: string; appUrl: string },
): Promise<Digest> {
  const list = await buildWorkList(database.db, { scope: o.scope, asOf: o.asOf, dueDays: o.dueDays, personalData: o.personalData })
  const overdue = list.appeals.filter((a) => a.overdueDays !== null)
  const soon = list.appeals.filter((a) => a.overdueDays === null)
  const counts = { overdue: overdue.length, dueSoon: soon.length, lostCalls: list.lostCalls.length, imports: list.imports.length }
  const day = formatLocalDate(o.asOf, o.zone)
  const subject = `Список дел на ${day}: просрочено ${counts.overdue}, срок на подходе ${counts.dueSoon}, не перезвонили ${counts.lostCalls}, ошибок загрузки ${counts.imports}`
  const when = (d: Date) => formatLocalDateTime(d, o.zone)
  const text: string[] = [`Список дел на ${formatLocalDateTime(o.asOf, o.zone)} (${o.zone}). Весь список: ${o.appUrl}/worklist`]
  const html: string[] = [
    `<p>Список дел на ${escape(formatLocalDateTime(o.asOf, o.zone))} (${escape(o.zone)}). <a href="${o.appUrl}/worklist">Весь список</a>.</p>`,
  ]
  const section = (title: string, head: string[], rows: { cells: string[]; link: string }[]) => {
    if (!rows.length) return
    text.push('', `${title} (${rows.length}):`, ...rows.map((r) => `  ${r.cells.filter(Boolean).join(' · ')} — ${r.link}`))
    html.push(
      `<h3>${escape(title)} (${rows.length})</h3><table border="1" cellpadding="4" cellspacing="0" style="border-collapse:collapse"><tr>${head.map((h) => `<th>${escape(h)}</th>`).join('')}</tr>`,
      ...rows.map((r) => `<tr>${r.cells.map((c, i) => `<td>${i === 0 ? `<a href="${escape(r.link)}">${escape(c)}</a>` : escape(c)}</td>`).join('')}</tr>`),
      '</table>',
    )
  }
  const appealCells = (a: (typeof list.appeals)[number], days: string) => [a.regNumber, `срок ${when(a.dueAt)}`, days, a.rule, a.office, a.branch, a.applicant]
  section(
    'Просрочено',
    ['Обращение', 'Срок', 'Просрочено', 'Правило', 'Офис', 'Филиал', 'Заявитель'],
    overdue.map((a) => ({ cells: appealCells(a, `просрочено на ${a.overdueDays} дн.`), link: `${o.appUrl}/registers/appeals/${a.id}` })),
  )
  section(
    `Срок истекает в ближайшие ${o.dueDays} раб. дн.`,
    ['Обращение', 'Срок', 'Осталось', 'Правило', 'Офис', 'Филиал', 'Заявитель'],
    soon.map((a) => ({ cells: appealCells(a, `осталось ${a.workingDaysLeft} раб. дн.`), link: `${o.appUrl}/registers/appeals/${a.id}` })),
  )
  section(
    `Потерянные звонки, абоненту не перезвонили (норматив ${normText(list.norm)})`,
    ['Звонок', 'Начало', 'Связаться до', 'Линия', 'Филиал', 'Номер'],
    list.lostCalls.map((c) => ({
      cells: [c.callId, when(c.startedAt), `${c.late ? 'норматив истёк ' : 'до '}${when(c.dueAt)}`, c.line, c.branch, c.phone],
      link: `${o.appUrl}/registers/calls/${c.id}`,
    })),
  )
  section(
    'Загрузки с ошибкой',
    ['Загрузка', 'Вид', 'Файл', 'Состояние', 'Начата'],
    list.imports.map((i) => ({
      cells: [`№ ${i.id}`, kindLabel(i.kind), i.fileName, IMPORT_STATUS_TEXT[i.status] ?? i.status, when(i.startedAt)],
      link: `${o.appUrl}/imports/${i.id}`,
    })),
  )
  if (list.truncated) text.push('', 'Список сокращён: полностью — на странице «Список дел».')
  return { subject, text: text.join('\n'), html: html.join('\n'), empty: workListIsEmpty(list), counts }
}
