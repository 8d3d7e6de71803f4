/**
 * Appendix 7 end to end: the tables, table 4.9's counts, the checks — then the file, one sheet per table
 * in the layout of the template (heading, merged header, column-number row), then «Проверки»,
 * «Определения» and «О файле». Pages, downloads, the CLI and freezing all go through `prepareAppendix7`.
 */
import { fileNameOf, orgPart } from '#reports/registry/file-names.ts'
import type { Readable } from 'node:stream'
import type { Cell } from '#reports/sheet-writer/model.ts'
import {
  type BookOut,
  MAX_ROWS_PER_SHEET,
  type PrintSpec,
  type SheetFormat,
  type SheetOut,
  type SheetSpec,
  writeReportBook,
} from '#reports/sheet-writer/writer.server.ts'
import { safeText } from '#reports/export/workbook.server.ts'
import { type CheckResult, runChecks } from './checks.server.ts'
import { type DataWarning, dataWarnings } from './coverage.server.ts'
import { type Appendix7Context, type Appendix7Tables, type FigureValue, type RenderedTable, buildTables, definitionsOf } from './figures.server.ts'
import { describePolicies } from './policies.ts'
import { type RegisterGroup, flagSum, registerCells, registerGroups, registerRows } from './register.server.ts'
import type { RegisterTable } from './template.ts'
import { withYears } from './template.ts'

export interface Appendix7Report {
  ctx: Appendix7Context
  built: Appendix7Tables
  registerGroups: RegisterGroup[]
  /** rows of table 4.9 */
  registerRows: number
  checks: CheckResult[]
  /** years (N‑1, N) of a log without records or with months missing: said on the page, in «Проверки» and in the file */
  dataWarnings: DataWarning[]
  /** every figure of the report, table 4.9 as its row count and column sums */
  figures: FigureValue[]
}

export async function prepareAppendix7(ctx: Appendix7Context): Promise<Appendix7Report> {
  const built = await buildTables(ctx)
  const groups = await registerGroups(ctx, built.forms)
  const checks = await runChecks(ctx, built, groups)
  const rows = groups.reduce((s, g) => s + g.rows, 0)
  const figures = built.tables.flatMap((t) => t.figures)
  if (built.register) {
    const t = built.register
    figures.push({ key: `${t.code}|rows`, label: `Таблица ${t.code}, число строк`, value: rows })
    t.columns.forEach((col, i) => {
      if (col.value === 'flag')
        figures.push({ key: `${t.code}|sum|${i + 1}`, label: `Таблица ${t.code}, сумма графы ${i + 1}`, value: flagSum(groups, col.where) })
    })
  }
  const warnings = dataWarnings(
    built.coverage.filter((c) => c.log !== 'visits' || c.year === ctx.year),
    { appeals: 'таблицы 4.1 и 4.9', calls: 'графы таблицы 4.3', visits: 'графы таблицы 4.2' },
  )
  return { ctx, built, registerGroups: groups, registerRows: rows, checks, dataWarnings: warnings, figures }
}

/** Wide tables print across an A4 landscape page, narrow ones down a portrait page. */
function printOf(report: Appendix7Report, widths: readonly number[], headerRows: number, title: string): PrintSpec {
  const total = widths.reduce((a, b) => a + b, 0)
  return {
    orientation: total > 95 ? 'landscape' : 'portrait',
    repeatRows: headerRows ? [HEADING_ROWS + 1, HEADING_ROWS + headerRows] : undefined,
    title,
    org: report.ctx.org.name,
  }
}

function formTitle(report: Appendix7Report): string {
  return `${report.ctx.template.heading.title} за ${report.ctx.year} год`
}

/** Rows above a table's header: the form's heading and the table's title. */
const HEADING_ROWS = 5

function estimateHeight(text: string, widthChars: number, lineHeight = 15): number | undefined {
  const lines = text.split('\n').reduce((n, line) => n + Math.max(1, Math.ceil((line.length * 1.1) / Math.max(widthChars, 4))), 0)
  return lines > 1 ? lines * lineHeight : undefined
}

/**
 * Column widths for the file: the template's, widened where a one-column header cell has a word longer
 * than its column (printed, «Идентификационный» would otherwise break mid-word); fit-to-width scales
 * the page back.
 */
export function sheetWidths(
  widths: readonly number[],
  header: readonly (readonly { v?: unknown; text?: string; colspan?: number; rowspan?: number }[])[],
): number[] {
  const out = [...widths]
  const carried = new Map<string, number>()
  header.forEach((row, r) => {
    let col = 0
    for (const cell of row) {
      while (carried.has(`${r}:${col}`)) col += carried.get(`${r}:${col}`)!
      const span = cell.colspan ?? 1
      for (let k = 1; k < (cell.rowspan ?? 1); k++) carried.set(`${r + k}:${col}`, span)
      const text = typeof cell.v === 'string' ? cell.v : (cell.text ?? '')
      if (span === 1 && text) {
        const longest = Math.max(...text.split(/[\s/-]+/).map((w) => w.length))
        out[col] = Math.max(out[col] ?? 0, Math.ceil(longest * 1.2 + 1.5))
      }
      col += span
    }
  })
  return out
}

function headerHeight(row: readonly Cell[], widths: readonly number[]): number | undefined {
  let col = 0
  let lines = 1
  for (const cell of row) {
    const span = cell.colspan ?? 1
    const width = widths.slice(col, col + span).reduce((a, b) => a + b, 0)
    if ((cell.rowspan ?? 1) === 1 && typeof cell.v === 'string') lines = Math.max(lines, Math.ceil((cell.v.length * 1.15) / Math.max(width - 1, 4)))
    col += span
  }
  return lines > 1 ? lines * 15 : undefined
}

async function writeHeading(sheet: SheetOut, report: Appendix7Report, title: string, widths: readonly number[]): Promise<void> {
  const { ctx } = report
  const h = ctx.template.heading
  const span = widths.length
  const total = widths.reduce((a, b) => a + b, 0)
  await sheet.row([{ v: h.appendix, s: 'plain', colspan: span }], estimateHeight(h.appendix, total))
  const line = `${h.title} ${ctx.org.name} ${withYears(h.period, ctx.year)}`
  await sheet.row([{ v: line, s: 'title', colspan: span }], estimateHeight(line, total, 17))
  await sheet.row([{ v: h.caption, s: 'caption', colspan: span }])
  await sheet.row([{ v: title, s: 'title', colspan: span }], estimateHeight(title, total, 17))
  await sheet.row([])
}

async function writeTable(sheet: SheetOut, report: Appendix7Report, t: RenderedTable): Promise<void> {
  const widths = sheetWidths(t.widths, t.header)
  await writeHeading(sheet, report, `Таблица ${t.code}. ${t.title}`, widths)
  for (const row of t.header) await sheet.row(row, headerHeight(row, widths))
  for (const row of t.body) await sheet.row(row.map((c) => (typeof c.v === 'string' ? { ...c, v: safeText(c.v) } : c)))
  await sheet.end()
}

function registerSheets(t: RegisterTable, report: Appendix7Report, headerRows: number): SheetSpec[] {
  const perSheet = MAX_ROWS_PER_SHEET - HEADING_ROWS - headerRows
  const sheets = Math.max(1, Math.ceil(report.registerRows / perSheet))
  const widths = sheetWidths(t.widths, t.header)
  const print = printOf(report, widths, headerRows, `${formTitle(report)}. Таблица ${t.code}`)
  return Array.from({ length: sheets }, (_, i) => ({ name: i === 0 ? t.code : `${t.code} (${i + 1})`, widths, freezeRows: HEADING_ROWS + headerRows, print }))
}

async function writeRegister(book: BookOut, report: Appendix7Report, t: RegisterTable, sheets: number): Promise<void> {
  const { ctx } = report
  const header: Cell[][] = t.header.map((row) =>
    row.map((c) => ({ v: withYears(c.text, ctx.year), s: 'head' as const, colspan: c.colspan, rowspan: c.rowspan })),
  )
  if (t.numbered) header.push(t.widths.map((_, i) => ({ v: i + 1, s: 'center' as const })))
  const perSheet = MAX_ROWS_PER_SHEET - HEADING_ROWS - header.length
  const widths = sheetWidths(t.widths, t.header)
  const open = async (part: number) => {
    const sheet = await book.next()
    await writeHeading(sheet, report, `Таблица ${t.code}. ${withYears(t.title, ctx.year)}${part > 1 ? ` (продолжение, часть ${part})` : ''}`, widths)
    for (const row of header) await sheet.row(row, headerHeight(row, widths))
    return sheet
  }
  let part = 1
  let sheet = await open(part)
  let inSheet = 0
  let number = 0
  // the next page is read while this one is written
  const pages = registerRows(ctx, report.built.forms)
  let next = pages.next()
  for (;;) {
    const current = await next
    if (current.done) break
    next = pages.next()
    next.catch(() => {}) // observed by the await above; not unhandled if writing fails first
    for (const row of current.value) {
      if (inSheet === perSheet) {
        await sheet.end()
        sheet = await open(++part)
        inSheet = 0
      }
      const cells = registerCells(t, row, ++number)
      for (const c of cells) if (typeof c.v === 'string') c.v = safeText(c.v)
      await sheet.row(cells)
      inSheet++
    }
  }
  await sheet.end()
  while (part < sheets) {
    // the row count changed between counting and writing: keep the declared sheets valid
    sheet = await open(++part)
    await sheet.end()
  }
}

export function aboutAppendix7(report: Appendix7Report, extra: readonly (readonly [string, string])[]): (readonly [string, string])[] {
  const { ctx } = report
  const failed = report.checks.filter((c) => !c.passed)
  return [
    ['Отчёт', ctx.template.name],
    ['Организация', ctx.org.name],
    ['Отчётный год', `${ctx.year} (сравнение с ${ctx.year - 1})`],
    [
      'Охват',
      ctx.scope.branches === 'all'
        ? 'вся организация'
        : `только филиалы, доступные пользователю (${ctx.scope.branches.length}); строки без филиала не включены`,
    ],
    ['Исходы ответов (4.9, графы 27–29) и проверки — по состоянию на', ctx.asOf.toLocaleString('ru-RU', { timeZone: ctx.org.zone })],
    ['Версия шаблона', ctx.template.version],
    ['Макет формы', ctx.template.basis],
    ...(ctx.template.note ? [['О шаблоне', ctx.template.note] as const] : []),
    [
      'Проверки согласованности',
      failed.length ? `не пройдено: ${failed.length} из ${report.checks.length} (см. лист «Проверки»)` : `все ${report.checks.length} пройдены`,
    ],
    [
      'Полнота данных',
      report.dataWarnings.length ? report.dataWarnings.map((w) => w.text).join('\n') : 'за оба года есть записи каждого журнала за каждый месяц',
    ],
    ...describePolicies(ctx.policies),
    ['Источник таблиц 4.1–4.3', 'журналы обращений, звонков и очереди; показатели каталога (лист «Определения») по суточным сводам'],
    ['Источник таблицы 4.9', 'журнал обращений, по одной строке на обращение, поступившее в отчётном году'],
    ['Разделы 1–3, таблицы 4.4–4.8', 'внесены пользователями в форме «Сведения для Приложения 7» за каждый год'],
    ['Таблица 4.7', 'за год, в котором есть анкеты опросов, — из них (показатели каталога, лист «Определения»); за год без анкет — внесённые сведения'],
    ...extra,
  ]
}

/** The whole form as a file. */
export function writeAppendix7(format: SheetFormat, report: Appendix7Report, about: readonly (readonly [string, string])[]): Readable {
  const { built } = report
  const register = built.register
  const registerHeaderRows = register ? register.header.length + (register.numbered ? 1 : 0) : 0
  const order = report.ctx.template.tables.map((t) => t.code)
  const specs: SheetSpec[] = []
  for (const code of order) {
    const table = built.tables.find((t) => t.code === code)
    if (table) {
      const widths = sheetWidths(table.widths, table.header)
      specs.push({
        name: table.code,
        widths,
        freezeRows: HEADING_ROWS + table.header.length,
        print: printOf(report, widths, table.header.length, `${formTitle(report)}. Таблица ${table.code}`),
      })
    } else if (register && register.code === code) specs.push(...registerSheets(register, report, registerHeaderRows))
  }
  const print = (what: string): PrintSpec => ({
    orientation: 'landscape',
    repeatRows: [1, 1],
    title: `${formTitle(report)}. ${what}`,
    org: report.ctx.org.name,
  })
  specs.push(
    { name: 'Проверки', widths: [6, 70, 14, 90, 14], freezeRows: 1, print: print('Проверки') },
    { name: 'Определения', widths: [30, 36, 120], freezeRows: 1, print: print('Определения') },
  )
  return writeReportBook(format, specs, about, async (book) => {
    for (const code of order) {
      const table = built.tables.find((t) => t.code === code)
      if (table) await writeTable(await book.next(), report, table)
      else if (register && register.code === code)
        await writeRegister(book, report, register, specs.filter((s) => s.name === register.code || s.name.startsWith(`${register.code} (`)).length)
    }
    const checks = await book.next()
    await checks.row(['N', 'Проверка', 'Результат', 'Подробности', 'Обращений'].map((v) => ({ v, s: 'head' as const })))
    for (const [i, c] of report.checks.entries()) {
      const verdict = c.passed ? 'пройдена' : c.severity === 'error' ? 'НЕ ПРОЙДЕНА' : 'предупреждение'
      await checks.row([
        { v: i + 1, s: 'center' },
        { v: c.title, s: 'text' },
        { v: verdict, s: c.passed ? 'center' : 'textBold' },
        { v: c.detail, s: 'text' },
        { v: c.records || null, s: 'count' },
      ])
    }
    // the completeness of the logs: a warning per year without records or with months missing
    const n = report.checks.length
    if (report.dataWarnings.length === 0) {
      await checks.row([
        { v: n + 1, s: 'center' },
        { v: 'Полнота данных журналов за отчётный и предыдущий год', s: 'text' },
        { v: 'пройдена', s: 'center' },
        { v: 'записи есть за каждый месяц', s: 'text' },
        { v: null, s: 'count' },
      ])
    }
    for (const [k, w] of report.dataWarnings.entries()) {
      await checks.row([
        { v: n + 1 + k, s: 'center' },
        { v: 'Полнота данных журналов за отчётный и предыдущий год', s: 'text' },
        { v: w.kind === 'none' ? 'НЕТ ДАННЫХ' : 'НЕПОЛНЫЕ ДАННЫЕ', s: 'textBold' },
        { v: w.text, s: 'text' },
        { v: null, s: 'count' },
      ])
    }
    await checks.end()
    const definitions = await book.next()
    await definitions.row(['Показатель', 'Название', 'Определение'].map((v) => ({ v, s: 'head' as const })))
    for (const d of definitionsOf(built.tables))
      await definitions.row([
        { v: d.id, s: 'text' },
        { v: d.label, s: 'text' },
        { v: d.definition, s: 'text' },
      ])
    await definitions.end()
  })
}

/** «Приложение7_2025_Электросеть.xlsx» (the registry's scheme, reports/registry/file-names.ts). */
export function appendix7FileName(report: Appendix7Report, format: SheetFormat | 'pdf'): string {
  return fileNameOf({ what: 'Приложение7', period: { year: report.ctx.year }, detail: orgPart(report.ctx.org.name), ext: format })
}
