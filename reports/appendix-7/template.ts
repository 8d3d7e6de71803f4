/**
 * The layout of Appendix 7 as data (ADR 011): a versioned template per form — titles, header cells with
 * their merges, row and column codes, and which catalog figure (with which dimension values) fills which
 * cell. Many tables are reconstructions (regulation.md section C): a corrected template is a JSON file, not
 * a code change. `parseTemplate` checks one against this schema and the metric catalog. Client-safe.
 */
import { z } from 'zod'
import { isMetric } from '#reports/metrics/catalog.ts'
import builtIn from './templates/appendix-7.186-2021.r2.json'

/** Dimensions a 4.1 cell or a 4.9 flag is counted by; `*` means «any value present». */
export const APPEAL_DIMENSIONS = ['form', 'topic', 'complaint_topic', 'request_type', 'contract_concluded', 'complaint_settled'] as const
export const REGISTER_DIMENSIONS = ['form', 'topic', 'complaint_topic', 'request_type', 'outcome'] as const

const text = z.string().min(1)
const headerCell = z.object({ text: z.string(), colspan: z.number().int().min(1).optional(), rowspan: z.number().int().min(1).optional() }).strict()
const metricId = z.string().refine(isMetric, { message: 'нет такого показателя в каталоге' })
const where = z.partialRecord(z.enum(APPEAL_DIMENSIONS), z.union([z.string(), z.array(z.string())]))
const unit = z.enum(['count', 'minutes'])

const base = {
  code: text,
  section: z.enum(['1', '2', '3', '4']),
  title: text,
  widths: z.array(z.number().positive()),
  header: z.array(z.array(headerCell)).min(1),
  numbered: z.boolean().default(true),
}

const figuresTable = z
  .object({
    ...base,
    kind: z.literal('figures'),
    source: z.enum(['appeals', 'calls']),
    columns: z.array(
      z.union([
        z.object({ value: z.literal('code') }).strict(),
        z.object({ value: z.literal('label') }).strict(),
        z.object({ value: z.literal('figure'), year: z.enum(['N-1', 'N', 'dynamics']), where: where.optional(), label: z.string().optional() }).strict(),
      ]),
    ),
    rows: z.array(
      z
        .object({
          code: text,
          label: text,
          figure: metricId.optional(),
          where: where.optional(),
          unit: unit.optional(),
          bold: z.boolean().optional(),
          input: z.string().optional(),
        })
        .strict()
        .refine((r) => Boolean(r.figure) !== Boolean(r.input), { message: 'строка заполняется либо показателем (figure), либо вводом (input)' }),
    ),
    inputs: z.array(z.object({ key: text, label: text }).strict()).optional(),
  })
  .strict()

const officesTable = z
  .object({
    ...base,
    kind: z.literal('offices'),
    columns: z.array(
      z.union([
        z.object({ value: z.literal('number') }).strict(),
        z.object({ value: z.literal('office'), field: z.enum(['name', 'office_type', 'address', 'phone_email', 'schedule', 'services']) }).strict(),
        z.object({ value: z.literal('figure'), figure: metricId, unit: unit.optional(), label: z.string().optional() }).strict(),
      ]),
    ),
    total: z.object({ label: text }).strict().optional(),
  })
  .strict()

const registerTable = z
  .object({
    ...base,
    kind: z.literal('register'),
    columns: z.array(
      z.union([
        z.object({ value: z.literal('number') }).strict(),
        z.object({ value: z.literal('field'), field: z.enum(['reg_number', 'date', 'time', 'measures_done', 'measures_planned']) }).strict(),
        z.object({ value: z.literal('flag'), where: z.partialRecord(z.enum(REGISTER_DIMENSIONS), z.string()) }).strict(),
      ]),
    ),
  })
  .strict()

const inputCompare = z
  .object({
    ...base,
    kind: z.literal('input'),
    mode: z.literal('compare'),
    rows: z.array(
      z
        .object({
          code: text,
          label: text,
          unit: z.string().optional(),
          // a survey figure fills the row for a year with answers in the product; the typed-in value otherwise
          figure: metricId.refine((id) => id.startsWith('surveys.'), { message: 'строку таблицы-ввода заполняет только показатель опросов' }).optional(),
        })
        .strict(),
    ),
    values: z.array(z.object({ key: text, label: z.string() }).strict()).min(1),
  })
  .strict()
  .refine((t) => t.values.length === 1 || t.rows.every((r) => !r.figure), {
    message: 'строки с показателем бывают только в таблице с одной графой значений',
    path: ['rows'],
  })

const inputList = z
  .object({
    ...base,
    kind: z.literal('input'),
    mode: z.literal('list'),
    fields: z.array(z.object({ key: text, label: text }).strict()).min(1),
  })
  .strict()

const table = z.union([figuresTable, officesTable, registerTable, inputCompare, inputList])

export const templateSchema = z
  .object({
    report: z.literal('appendix-7'),
    version: text,
    name: text,
    /** the form's legal basis, for users (printed in «О файле» and on the page) */
    basis: text,
    note: z.string().optional(),
    heading: z.object({ appendix: text, title: text, caption: z.string(), period: text }).strict(),
    sections: z.partialRecord(z.enum(['1', '2', '3', '4']), text),
    tables: z.array(table).min(1),
  })
  .strict()
  .superRefine((t, ctx) => {
    const codes = new Set<string>()
    t.tables.forEach((tb, i) => {
      if (codes.has(tb.code)) ctx.addIssue({ code: 'custom', path: ['tables', i, 'code'], message: `таблица ${tb.code} повторяется` })
      codes.add(tb.code)
      const width = columnCount(tb)
      const spans = headerWidths(tb.header)
      spans.forEach((w, r) => {
        if (w !== width)
          ctx.addIssue({
            code: 'custom',
            path: ['tables', i, 'header', r],
            message: `строка заголовка ${r + 1} таблицы ${tb.code} занимает ${w} граф, а таблица — ${width}`,
          })
      })
      if (tb.widths.length !== width) ctx.addIssue({ code: 'custom', path: ['tables', i, 'widths'], message: `ширин ${tb.widths.length}, граф ${width}` })
    })
    if (t.tables.filter((tb) => tb.kind === 'register').length > 1)
      ctx.addIssue({ code: 'custom', path: ['tables'], message: 'таблица-реестр может быть только одна' })
  })

export type Template = z.infer<typeof templateSchema>
export type TemplateTable = Template['tables'][number]
export type FiguresTable = z.infer<typeof figuresTable>
export type OfficesTable = z.infer<typeof officesTable>
export type RegisterTable = z.infer<typeof registerTable>
export type InputCompareTable = z.infer<typeof inputCompare>
export type InputListTable = z.infer<typeof inputList>
export type InputTable = InputCompareTable | InputListTable
export type Where = Partial<Record<(typeof APPEAL_DIMENSIONS)[number], string | string[]>>

/** How many columns a table has (what its body writes). */
export function columnCount(t: TemplateTable): number {
  switch (t.kind) {
    case 'figures':
    case 'offices':
    case 'register':
      return t.columns.length
    case 'input':
      return t.mode === 'compare' ? 2 + 3 * t.values.length : 1 + t.fields.length
  }
}

/** The width of each header row in columns, counting the cells that rowspans above carry down. */
export function headerWidths(header: readonly (readonly { colspan?: number; rowspan?: number }[])[]): number[] {
  const carried: number[] = header.map(() => 0)
  return header.map((row, r) => {
    let width = carried[r]!
    for (const cell of row) {
      const cols = cell.colspan ?? 1
      width += cols
      for (let k = 1; k < (cell.rowspan ?? 1); k++) if (r + k < carried.length) carried[r + k]! += cols
    }
    return width
  })
}

/** Checks a template; Russian messages with the path of each problem. */
export function parseTemplate(data: unknown): { ok: true; template: Template } | { ok: false; errors: string[] } {
  const result = templateSchema.safeParse(data)
  if (result.success) return { ok: true, template: result.data }
  return { ok: false, errors: result.error.issues.map((i) => `${i.path.join('.') || 'шаблон'}: ${i.message}`) }
}

const parsed = parseTemplate(builtIn)
if (!parsed.ok) throw new Error(`Встроенный шаблон Приложения 7 не прошёл проверку: ${parsed.errors.join('; ')}`)
/** The template the product ships (version `186-2021.r2`). */
export const BUILT_IN_TEMPLATE: Template = parsed.template

/** `{N}` and `{N-1}` in a header or title → the years. */
export function withYears(text: string, year: number): string {
  return text.replaceAll('{N-1}', String(year - 1)).replaceAll('{N}', String(year))
}
