/**
 * The sections of Appendix 7 that do not come from the logs (1–3, 4.3's phone numbers, 4.4–4.8), entered per
 * year. Values of a compare table are kept under the year they belong to, so this year's N is next year's
 * N‑1; the previous year's column can be filled in where the product was not used that year.
 */
import type { Db } from '#db/client.server.ts'
import { inTransaction } from '#db/transaction.server.ts'
import { type CompareValues, compareValues, listItems } from './figures.server.ts'
import type { Template, TemplateTable } from './template.ts'

export type InputTemplateTable = Extract<TemplateTable, { kind: 'input' }> | Extract<TemplateTable, { kind: 'figures' }>

/** Tables with something to enter: input tables and figure tables with text inputs (4.3). */
export function inputTables(template: Template): InputTemplateTable[] {
  return template.tables.filter((t): t is InputTemplateTable => t.kind === 'input' || (t.kind === 'figures' && Boolean(t.inputs?.length)))
}

export async function loadYearInputs(db: Db, orgId: string, year: number): Promise<Map<number, Map<string, Record<string, unknown>>>> {
  const rows = await db
    .selectFrom('report_input')
    .select(['year', 'table_code', 'data'])
    .where('org_id', '=', orgId)
    .where('report_id', '=', 'appendix-7')
    .where('year', 'in', [year - 1, year])
    .execute()
  const out = new Map<number, Map<string, Record<string, unknown>>>([
    [year - 1, new Map()],
    [year, new Map()],
  ])
  for (const r of rows) out.get(r.year)!.set(r.table_code, r.data as Record<string, unknown>)
  return out
}

/** A number as people type it: spaces between thousands, a decimal comma. */
export function parseNumber(text: string): number | null | 'invalid' {
  const clean = text.replace(/[\s\u00a0]/g, '').replace(',', '.')
  if (clean === '') return null
  if (!/^-?\d+(\.\d+)?$/.test(clean)) return 'invalid'
  return Number(clean)
}

export interface ParsedInput {
  current: Record<string, unknown>
  /** compare tables: values of the previous year */
  previous?: CompareValues
  errors: string[]
}

export const LIST_BLANK_ROWS = 3
const MAX_TEXT = 4000

/** The submitted form of one table, checked; Russian errors name the row and the value. */
export function parseTableForm(t: InputTemplateTable, form: FormData): ParsedInput {
  const errors: string[] = []
  const text = (name: string) =>
    String(form.get(name) ?? '')
      .trim()
      .slice(0, MAX_TEXT)
  if (t.kind === 'figures') {
    const current: Record<string, unknown> = {}
    for (const input of t.inputs ?? []) current[input.key] = text(`in|${input.key}`)
    return { current, errors }
  }
  if (t.mode === 'compare') {
    const now: CompareValues = {}
    const before: CompareValues = {}
    for (const row of t.rows) {
      for (const value of t.values) {
        for (const [prefix, into, year] of [
          ['n', now, 'отчётный'],
          ['p', before, 'предыдущий'],
        ] as const) {
          const raw = text(`${prefix}|${row.code}|${value.key}`)
          const parsed = parseNumber(raw)
          if (parsed === 'invalid')
            errors.push(`Таблица ${t.code}, строка ${row.code} «${row.label}»${value.label ? `, ${value.label}` : ''}, ${year} год: «${raw}» — не число.`)
          else (into[row.code] ??= {})[value.key] = parsed
        }
      }
    }
    return { current: { values: now }, previous: before, errors }
  }
  const items: Record<string, string>[] = []
  const count = Number(form.get('items') ?? 0)
  for (let i = 0; i < Math.min(count, 500); i++) {
    const item: Record<string, string> = {}
    for (const f of t.fields) item[f.key] = text(`i|${i}|${f.key}`)
    if (Object.values(item).some(Boolean)) items.push(item)
  }
  return { current: { items }, errors }
}

async function upsert(db: Db, orgId: string, year: number, code: string, data: Record<string, unknown>, userId: string): Promise<void> {
  await db
    .insertInto('report_input')
    .values({ org_id: orgId, report_id: 'appendix-7', year, table_code: code, data: JSON.stringify(data), updated_by: userId })
    .onConflict((oc) =>
      oc.columns(['org_id', 'report_id', 'year', 'table_code']).doUpdateSet({ data: JSON.stringify(data), updated_by: userId, updated_at: new Date() }),
    )
    .execute()
}

/** Saves a table of a year (and, for compare tables, the previous year's column) in one transaction. */
export async function saveTableInput(db: Db, orgId: string, year: number, t: InputTemplateTable, parsed: ParsedInput, userId: string): Promise<void> {
  await saveTableInputs(db, orgId, year, [{ table: t, parsed }], userId)
}

/** Saves several tables of a year (the inputs page's one form) in one transaction: all of them or none. */
export async function saveTableInputs(
  db: Db,
  orgId: string,
  year: number,
  tables: readonly { table: InputTemplateTable; parsed: ParsedInput }[],
  userId: string,
): Promise<void> {
  await inTransaction(db, async (trx) => {
    for (const { table, parsed } of tables) await saveIn(trx, orgId, year, table, parsed, userId)
  })
}

async function saveIn(trx: Db, orgId: string, year: number, t: InputTemplateTable, parsed: ParsedInput, userId: string): Promise<void> {
  await upsert(trx, orgId, year, t.code, parsed.current, userId)
  if (parsed.previous) {
    const existing = await trx
      .selectFrom('report_input')
      .select('data')
      .where('org_id', '=', orgId)
      .where('report_id', '=', 'appendix-7')
      .where('year', '=', year - 1)
      .where('table_code', '=', t.code)
      .executeTakeFirst()
    const data = (existing?.data as Record<string, unknown> | undefined) ?? {}
    await upsert(trx, orgId, year - 1, t.code, { ...data, values: parsed.previous }, userId)
  }
}

export { compareValues, listItems }
