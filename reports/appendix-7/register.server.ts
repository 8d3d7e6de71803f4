/**
 * Table 4.9, one row per appeal received in the year, read from the appeal register itself (not the
 * rollups) in keyset pages, so the file streams any number of rows in constant memory. The same rows,
 * counted by the same expressions, are «the 4.9 side» of the consistency checks.
 */
import { afterPosition, keysetPages } from '#db/keyset.server.ts'
import { type RawBuilder, sql } from 'kysely'
import { columnsOf } from '#db/columns.ts'
import type { Cell } from '#reports/sheet-writer/model.ts'
import { inScope } from '#db/scope.server.ts'
import { outcomeSql } from '#reports/deadlines/outcome-sql.server.ts'
import { yearPeriod } from '#reports/metrics/period.ts'
import { type Appendix7Context, policyFormSql } from './figures.server.ts'
import type { RegisterTable } from './template.ts'

/** The appeals `r` of the register 4.9. */
const ap = columnsOf('appeal', 'r')

/** Answer outcome of 4.9 columns 27–29, as of the report's moment; null when none applies (yet). */
function registerOutcomeSql(asOf: Date): RawBuilder<string | null> {
  return sql<string | null>`case when ${ap('due_at')} is null then null else (case ${outcomeSql(ap('due_at'), ap('answered_at'), asOf)}
    when 'on_time' then 'on_time' when 'late' then 'late' when 'overdue' then 'unanswered' else null end) end`
}

/** The appeals of the report: the year, the scope, and the repeat policy. */
export function registerWhere(ctx: Appendix7Context): RawBuilder<boolean> {
  const period = yearPeriod(ctx.year, ctx.org.zone)
  return sql<boolean>`${inScope(ap('org_id'), ap('branch_id'), ctx.scope)}
    and ${ap('received_at')} >= ${period.start} and ${ap('received_at')} < ${period.end}
    ${ctx.policies.countRepeats ? sql`` : sql`and ${ap('repeat_of')} is null`}`
}

export interface RegisterRow {
  id: string
  reg_number: string
  date: string
  time: string
  form: string
  topic: string
  complaint_topic: string | null
  request_type: string | null
  outcome: string | null
  measures_done: string | null
  measures_planned: string | null
}

/** Every row of 4.9 in order of receipt, in pages. */
export async function* registerRows(ctx: Appendix7Context, forms: Map<string, string[]>, pageSize = 5000): AsyncGenerator<RegisterRow[]> {
  const zone = ctx.org.zone
  yield* keysetPages(
    async (after) =>
      (
        await sql<RegisterRow & { at: Date }>`
          select ${ap('id')}::text as id, ${ap('reg_number')}, to_char(${ap('received_at')} at time zone ${zone}, 'DD.MM.YYYY') as date,
            to_char(${ap('received_at')} at time zone ${zone}, 'HH24:MI') as time, ${policyFormSql(forms)} as form, ${ap('topic')}, ${ap('complaint_topic')}, ${ap('request_type')},
            ${registerOutcomeSql(ctx.asOf)} as outcome, ${ap('measures_done')}, ${ap('measures_planned')}, ${ap('received_at')} as at
          from appeal r
          where ${registerWhere(ctx)} ${afterPosition(ap('received_at'), after)}
          order by ${ap('received_at')}, ${ap('id')} limit ${pageSize}`.execute(ctx.db)
      ).rows,
    (row) => ({ at: row.at, id: row.id }),
    pageSize,
  )
}

/** One appeal as the cells of 4.9 (flags as 1, empty otherwise). */
export function registerCells(t: RegisterTable, row: RegisterRow, number: number): Cell[] {
  return t.columns.map((col): Cell => {
    if (col.value === 'number') return { v: number, s: 'center' }
    if (col.value === 'field') {
      const value = row[col.field]
      return { v: value ?? '', s: col.field.startsWith('measures') ? 'text' : 'center' }
    }
    const hit = Object.entries(col.where).every(([dim, want]) => row[dim as keyof RegisterRow] === want)
    return { v: hit ? 1 : null, s: 'center' }
  })
}

/** 4.9 counted by every dimension its flags use, plus what the checks need to know about each row. */
export interface RegisterGroup {
  form: string
  topic: string
  complaint_topic: string | null
  request_type: string | null
  outcome: string | null
  closed: boolean
  rows: number
}

export async function registerGroups(ctx: Appendix7Context, forms: Map<string, string[]>): Promise<RegisterGroup[]> {
  const rows = await sql<Omit<RegisterGroup, 'rows'> & { rows: string }>`
    select ${policyFormSql(forms)} as form, ${ap('topic')}, ${ap('complaint_topic')}, ${ap('request_type')}, ${registerOutcomeSql(ctx.asOf)} as outcome,
      (${ap('closure')} is not null) as closed, count(*) as rows
    from appeal r where ${registerWhere(ctx)}
    group by 1, 2, 3, 4, 5, 6`.execute(ctx.db)
  return rows.rows.map((r) => ({ ...r, rows: Number(r.rows) }))
}

/** The sum of a 4.9 flag column over the groups. */
export function flagSum(groups: readonly RegisterGroup[], where: Record<string, string>): number {
  let total = 0
  for (const g of groups) if (Object.entries(where).every(([dim, want]) => g[dim as keyof RegisterGroup] === want)) total += g.rows
  return total
}
