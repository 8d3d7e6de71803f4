/**
 * Rules and calendar from the database, and due dates written back to the records. The counting itself
 * is only in engine.ts; this module loads its inputs and stores its outputs.
 */
import { type Kysely, sql } from 'kysely'
import type { DB } from '#db/schema.ts'
import { type CalendarDayRow, type WorkCalendar, makeWorkCalendar } from './calendar.ts'
import { dueAt } from './engine.ts'
import { type ActiveRule, RULE_PRESETS, chooseRule } from './presets.ts'

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

export async function loadActiveRules(db: Kysely<DB>, orgId: string, appliesTo: 'appeals' | 'calls' | 'visits'): Promise<ActiveRule[]> {
  const rows = await db
    .selectFrom('deadline_rule')
    .select(['id', 'code', 'filter', 'amount', 'unit', 'priority'])
    .where('org_id', '=', orgId)
    .where('applies_to', '=', appliesTo)
    .where('active', '=', true)
    .orderBy('priority')
    .orderBy('id')
    .execute()
  return rows.map((r) => ({ ...r, amount: Number(r.amount) }))
}

/** The federal calendar and the organisation's own days (an organisation's day wins over the federal one). */
export async function loadWorkCalendar(db: Kysely<DB>, orgId: string): Promise<WorkCalendar> {
  const days = await db
    .selectFrom('calendar_day')
    .select((eb) => [sql<string>`to_char(${eb.ref('day')}, 'YYYY-MM-DD')`.as('day'), 'kind'])
    .where((eb) => eb.or([eb('org_id', 'is', null), eb('org_id', '=', orgId)]))
    .orderBy(sql`org_id is not null`)
    .orderBy('day')
    .execute()
  const years = await db
    .selectFrom('calendar_year')
    .select('year')
    .distinct()
    .where((eb) => eb.or([eb('org_id', 'is', null), eb('org_id', '=', orgId)]))
    .execute()
  const byDay = new Map<string, CalendarDayRow>()
  for (const row of days) byDay.set(row.day, row)
  return makeWorkCalendar(
    [...byDay.values()],
    years.map((r) => r.year),
  )
}

const PAGE = 10_000

/**
 * Recomputes the due date, rule and calendar-gap flag of appeals — those of one import (`batchId`) or all of
 * the organisation — in keyset pages, writing back only what changed. Returns how many changed.
 */
export async function recomputeAppealDueDates(db: Kysely<DB>, orgId: string, zone: string, where: { batchId?: string } = {}): Promise<number> {
  const rules = await loadActiveRules(db, orgId, 'appeals')
  const calendar = await loadWorkCalendar(db, orgId)
  let after = '0'
  let changed = 0
  for (;;) {
    const rows = await db
      .selectFrom('appeal')
      .select([
        'id',
        'received_at',
        'form',
        'topic',
        'request_type',
        'complaint_topic',
        'consumer_type',
        'channel',
        'deadline_rule',
        'due_at',
        'deadline_rule_id',
        'due_calendar_gap',
      ])
      .where('org_id', '=', orgId)
      .where('id', '>', after)
      .$if(where.batchId !== undefined, (q) => q.where('import_batch_id', '=', where.batchId!))
      .orderBy('id')
      .limit(PAGE)
      .execute()
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
      const values = sql<{
        id: string
        due: Date | null
        rule_id: string | null
        gap: boolean
      }>`unnest(${ids}::bigint[], ${dues}::timestamptz[], ${ruleIds}::bigint[], ${gaps}::boolean[])`
      const result = await db
        .updateTable('appeal')
        .from(values.as<'v'>(sql`v(id, due, rule_id, gap)`))
        .set((eb) => ({ due_at: eb.ref('v.due'), deadline_rule_id: eb.ref('v.rule_id'), due_calendar_gap: eb.ref('v.gap') }))
        .whereRef('appeal.id', '=', 'v.id')
        .executeTakeFirst()
      changed += Number(result.numUpdatedRows)
    }
    after = rows[rows.length - 1]!.id
    if (rows.length < PAGE) break
  }
  return changed
}
