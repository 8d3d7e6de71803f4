/**
 * Rules and calendar from the database, and due dates written back to the records. The counting itself
 * is only in engine.ts; this module loads its inputs and stores its outputs.
 */
import type { Kysely } from 'kysely'
import type { DB } from '#db/schema.ts'
import { type CalendarDayRow, type WorkCalendar, makeWorkCalendar } from './calendar.ts'
import { dueAt } from './engine.ts'
import { type ActiveRule, RULE_PRESETS, chooseRule } from './presets.ts'

/** Anything with pg's `query`: the pool, or the import's own connection inside its transaction. */
export interface Queryable {
  query<R extends Record<string, unknown> = Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: R[]; rowCount: number | null }>
}

/** Adds the preset rules of a regime that the organisation does not have yet; edited rules stay as they are. */
export async function seedRulePresets(db: Kysely<DB>, orgId: string, regime: 'network' | 'supplier' | 'both'): Promise<number> {
  const rules = RULE_PRESETS.filter((r) => regime === 'both' || r.preset === regime)
  const result = await db
    .insertInto('deadline_rule')
    .values(rules.map((r) => ({ org_id: orgId, ...r, filter: JSON.stringify(r.filter) })))
    .onConflict((oc) => oc.columns(['org_id', 'code']).doNothing())
    .executeTakeFirst()
  return Number(result.numInsertedOrUpdatedRows ?? 0)
}

export async function loadActiveRules(q: Queryable, orgId: string, appliesTo: 'appeals' | 'calls' | 'visits'): Promise<ActiveRule[]> {
  const { rows } = await q.query<{
    id: string
    code: string
    filter: Record<string, string | string[]>
    amount: string
    unit: ActiveRule['unit']
    priority: number
  }>(
    `select id, code, filter, amount, unit, priority from deadline_rule
     where org_id = $1 and applies_to = $2 and active order by priority, id`,
    [orgId, appliesTo],
  )
  return rows.map((r) => ({ ...r, amount: Number(r.amount) }))
}

/** The federal calendar and the organisation's own days (an organisation's day wins over the federal one). */
export async function loadWorkCalendar(q: Queryable, orgId: string): Promise<WorkCalendar> {
  const days = await q.query<{ day: string; kind: CalendarDayRow['kind'] }>(
    `select to_char(day, 'YYYY-MM-DD') as day, kind from calendar_day
     where org_id is null or org_id = $1 order by org_id is not null, day`,
    [orgId],
  )
  const years = await q.query<{ year: number }>('select distinct year from calendar_year where org_id is null or org_id = $1', [orgId])
  const byDay = new Map<string, CalendarDayRow>()
  for (const row of days.rows) byDay.set(row.day, row)
  return makeWorkCalendar(
    [...byDay.values()],
    years.rows.map((r) => r.year),
  )
}

const PAGE = 10_000

/**
 * Recomputes the due date, rule and calendar-gap flag of appeals — those of one import (`batchId`) or all of
 * the organisation — in keyset pages, writing back only what changed. Returns how many changed.
 */
export async function recomputeAppealDueDates(q: Queryable, orgId: string, zone: string, where: { batchId?: string } = {}): Promise<number> {
  const rules = await loadActiveRules(q, orgId, 'appeals')
  const calendar = await loadWorkCalendar(q, orgId)
  let after = '0'
  let changed = 0
  for (;;) {
    const { rows } = await q.query<{
      id: string
      received_at: Date
      form: string
      topic: string
      request_type: string | null
      complaint_topic: string | null
      consumer_type: string | null
      channel: string | null
      deadline_rule: string | null
      due_at: Date | null
      deadline_rule_id: string | null
      due_calendar_gap: boolean
    }>(
      `select id, received_at, form, topic, request_type, complaint_topic, consumer_type, channel, deadline_rule, due_at, deadline_rule_id, due_calendar_gap
       from appeal where org_id = $1 and id > $2 ${where.batchId ? 'and import_batch_id = $4' : ''} order by id limit $3`,
      where.batchId ? [orgId, after, PAGE, where.batchId] : [orgId, after, PAGE],
    )
    if (rows.length === 0) break
    const ids: string[] = []
    const dues: (Date | null)[] = []
    const ruleIds: (string | null)[] = []
    const gaps: boolean[] = []
    for (const row of rows) {
      const rule = chooseRule(rules, row, row.deadline_rule)
      const due = rule ? dueAt({ amount: rule.amount, unit: rule.unit }, row.received_at, calendar, zone) : null
      const dueTime = due?.due.getTime() ?? null
      if (dueTime === (row.due_at?.getTime() ?? null) && (rule?.id ?? null) === row.deadline_rule_id && (due?.calendarGap ?? false) === row.due_calendar_gap)
        continue
      ids.push(row.id)
      dues.push(due?.due ?? null)
      ruleIds.push(rule?.id ?? null)
      gaps.push(due?.calendarGap ?? false)
    }
    if (ids.length) {
      const result = await q.query(
        `update appeal set due_at = v.due, deadline_rule_id = v.rule_id, due_calendar_gap = v.gap
         from unnest($1::bigint[], $2::timestamptz[], $3::bigint[], $4::boolean[]) as v(id, due, rule_id, gap)
         where appeal.id = v.id`,
        [ids, dues, ruleIds, gaps],
      )
      changed += result.rowCount ?? 0
    }
    after = rows[rows.length - 1]!.id
    if (rows.length < PAGE) break
  }
  return changed
}
