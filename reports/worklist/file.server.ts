/**
 * The work list as XLSX, through the product's streamed writer (reports/sheet-writer/writer.server.ts): a
 * sheet per part, «Определения» and «О файле», printed landscape with the header row on every page.
 */
import type { Readable } from 'node:stream'
import { type Cell, type PrintSpec, type SheetFormat, type SheetSpec, writeReportBook } from '#reports/sheet-writer/writer.server.ts'
import { safeText } from '#reports/export/workbook.server.ts'
import { metricCatalog } from '#reports/metrics/catalog.ts'
import { formatLocalDateTime } from '#reports/time/local-time.ts'
import { kindLabel } from './labels.ts'
import { IMPORT_STATUS_TEXT, type WorkList } from './worklist.server.ts'

export const WORKLIST_TITLE = 'Список дел: сроки, потерянные звонки, загрузки'

/** What the columns of the file and the page mean (the «Определения» sheet). */
export const WORKLIST_DEFINITIONS: readonly (readonly [string, string])[] = [
  ['Просрочено', `${metricCatalog['appeals.overdue'].definition} Просрочено на — календарных дней после последнего дня срока.`],
  [
    'Срок на подходе',
    `${metricCatalog['appeals.at_risk'].definition} Осталось — рабочих дней по производственному календарю, считая сегодняшний и последний день срока.`,
  ],
  [
    'Потерянные, не связались',
    `${metricCatalog['lost.not_reached'].definition} За последние 30 дней, от старых к новым; «норматив истёк» — связаться вовремя уже нельзя.`,
  ],
  ['Загрузки с ошибкой', 'Загрузки файлов за последние 30 дней, завершившиеся ошибкой, отклонением файла или прерванные: данные из них не сохранены.'],
]

export function workListFile(format: SheetFormat, list: WorkList, about: readonly (readonly [string, string])[], org: string): Readable {
  const print = (what: string): PrintSpec => ({ orientation: 'landscape', repeatRows: [1, 1], title: `${WORKLIST_TITLE}. ${what}`, org })
  const specs: SheetSpec[] = [
    { name: 'Обращения', widths: [18, 17, 17, 14, 12, 40, 30, 24, 30, 26], freezeRows: 1, print: print('Обращения') },
    { name: 'Потерянные звонки', widths: [22, 17, 17, 18, 20, 24, 22], freezeRows: 1, print: print('Потерянные звонки') },
    { name: 'Загрузки', widths: [10, 14, 40, 16, 17, 80], freezeRows: 1, print: print('Загрузки') },
    { name: 'Определения', widths: [30, 120], freezeRows: 1, print: { ...print('Определения'), orientation: 'portrait' } },
  ]
  const head = (titles: string[]): Cell[] => titles.map((v) => ({ v, s: 'head' }))
  const t = (v: string): Cell => ({ v: safeText(v), s: 'text' })
  const when = (d: Date) => t(formatLocalDateTime(d, list.zone))
  return writeReportBook(format, specs, about, async (book) => {
    const appeals = await book.next()
    await appeals.row(
      head(['Рег. номер', 'Поступило', 'Срок ответа', 'Просрочено на, дн.', 'Осталось раб. дн.', 'Правило', 'Тема', 'Офис', 'Филиал', 'Заявитель']),
    )
    for (const a of list.appeals)
      await appeals.row([
        t(a.regNumber),
        when(a.receivedAt),
        when(a.dueAt),
        a.overdueDays === null ? t('') : { v: a.overdueDays, s: 'count' },
        a.workingDaysLeft === null ? t('') : { v: a.workingDaysLeft, s: 'count' },
        t(a.rule),
        t(a.topic),
        t(a.office),
        t(a.branch),
        t(a.applicant),
      ])
    await appeals.end()
    const calls = await book.next()
    await calls.row(head(['Звонок', 'Начало', 'Связаться до', 'Норматив', 'Линия', 'Филиал', 'Номер абонента']))
    for (const c of list.lostCalls)
      await calls.row([t(c.callId), when(c.startedAt), when(c.dueAt), t(c.late ? 'истёк' : 'идёт'), t(c.line), t(c.branch), t(c.phone)])
    await calls.end()
    const imports = await book.next()
    await imports.row(head(['N загрузки', 'Вид', 'Файл', 'Состояние', 'Начата', 'Сообщение']))
    for (const i of list.imports)
      await imports.row([
        { v: Number(i.id), s: 'center' },
        t(kindLabel(i.kind)),
        t(i.fileName),
        t(IMPORT_STATUS_TEXT[i.status] ?? i.status),
        when(i.startedAt),
        t(i.message),
      ])
    await imports.end()
    const defs = await book.next()
    await defs.row(head(['Часть списка', 'Определение']))
    for (const [k, v] of WORKLIST_DEFINITIONS) await defs.row([{ v: k, s: 'textBold' }, t(v)])
    await defs.end()
  })
}
