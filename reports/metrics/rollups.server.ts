/**
 * Daily figures (ADR 010). The raw tables mark what they changed in `rollup_dirty` (triggers of migration
 * 0004); `refreshRollups` rebuilds those local days of the organisation, and rebuilds a kind as a whole
 * when what went into it changed (time zone, short-abandon and service-level thresholds, norms). Imports
 * call it after their commit; the dashboard calls it before reading, so a figure is never stale.
 */
import type { Database } from '#db/client.server.ts'
import type { RollupKind } from '#db/schema.ts'
import type { Queryable } from '#reports/deadlines/rules.server.ts'
import { HIST_BOUNDS } from './sums.ts'

const KINDS: readonly RollupKind[] = ['appeals', 'appeal_due', 'calls', 'visits', 'surveys']

export { HIST_BOUNDS } from './sums.ts'

/** Default service-level threshold when neither the organisation nor a pickup rule sets one. */
export const DEFAULT_SERVICE_LEVEL_SECONDS = 20

const UNIT_SECONDS: Record<string, number> = { seconds: 1, minutes: 60, hours: 3600 }
const VISIT_FILTERS = ['service_kind', 'office_code', 'consumer_type', 'window'] as const

export interface VisitWaitNorm {
  code: string
  filter: Record<string, string | string[]>
  seconds: number
}

/** Everything that goes into the rollups besides the raw rows. */
export interface RollupParams {
  zone: string
  shortAbandonSeconds: number
  serviceLevelSeconds: number
  /** where the service-level threshold came from */
  serviceLevelSource: 'organisation' | 'rule' | 'default'
  callbackSeconds: number | null
  /** the wait norms of visits, first match wins (as rules are chosen) */
  visitWaitNorms: VisitWaitNorm[]
}

export async function loadRollupParams(q: Queryable, orgId: string): Promise<RollupParams> {
  const org = (
    await q.query<{ time_zone: string; short_abandon_seconds: number; service_level_seconds: number | null }>(
      'select time_zone, short_abandon_seconds, service_level_seconds from organisation where id = $1',
      [orgId],
    )
  ).rows[0]
  if (!org) throw new Error(`organisation ${orgId} not found`)
  const rules = (
    await q.query<{
      code: string
      applies_to: string
      filter: Record<string, string | string[]>
      start_field: string
      stop_field: string
      amount: string
      unit: string
    }>(
      `select code, applies_to, filter, start_field, stop_field, amount, unit from deadline_rule
       where org_id = $1 and active and applies_to in ('calls', 'visits') and unit in ('seconds', 'minutes', 'hours')
       order by priority, id`,
      [orgId],
    )
  ).rows
  const seconds = (r: { amount: string; unit: string }) => Number(r.amount) * (UNIT_SECONDS[r.unit] ?? 60)
  const pickup = rules.find((r) => r.applies_to === 'calls' && r.start_field === 'started_at' && r.stop_field === 'answered_at')
  const callback = rules.find((r) => r.applies_to === 'calls' && r.start_field === 'ended_at' && r.stop_field === 'callback_at')
  const serviceLevelSource = org.service_level_seconds !== null ? 'organisation' : pickup ? 'rule' : 'default'
  return {
    zone: org.time_zone,
    shortAbandonSeconds: org.short_abandon_seconds,
    serviceLevelSeconds: org.service_level_seconds ?? (pickup ? seconds(pickup) : DEFAULT_SERVICE_LEVEL_SECONDS),
    serviceLevelSource,
    callbackSeconds: callback ? seconds(callback) : null,
    visitWaitNorms: rules
      .filter((r) => r.applies_to === 'visits' && r.start_field === 'issued_at' && r.stop_field === 'called_at')
      .map((r) => ({ code: r.code, filter: r.filter, seconds: seconds(r) })),
  }
}

function paramsOf(kind: RollupKind, p: RollupParams): string {
  switch (kind) {
    case 'appeals':
    case 'appeal_due':
    case 'surveys':
      return JSON.stringify({ zone: p.zone })
    case 'calls':
      return JSON.stringify({ zone: p.zone, short: p.shortAbandonSeconds, sl: p.serviceLevelSeconds, callback: p.callbackSeconds })
    case 'visits':
      return JSON.stringify({ zone: p.zone, norms: p.visitWaitNorms, hist: HIST_BOUNDS })
  }
}

const literal = (text: string) => `'${text.replaceAll("'", "''")}'`

/** The wait norm of a visit as SQL: the first rule whose filter the visit matches (whitelisted columns only). */
export function visitNormSql(norms: readonly VisitWaitNorm[], alias = 'v'): string {
  const branches = norms.flatMap((n) => {
    if (n.filter.explicit === 'true') return []
    const conditions = Object.entries(n.filter)
      .filter(([field]) => (VISIT_FILTERS as readonly string[]).includes(field))
      .map(([field, want]) => `${alias}.${field}::text in (${(Array.isArray(want) ? want : [want]).map(literal).join(', ')})`)
    return [`when ${conditions.length ? conditions.join(' and ') : 'true'} then ${Number(n.seconds)}`]
  })
  return branches.length ? `case ${branches.join(' ')} end` : 'null::float8'
}

const histogramSql = (expr: string, where: string) =>
  `array[${HIST_BOUNDS.map((_, i) => `count(*) filter (where ${where} and width_bucket(${expr}, array[${HIST_BOUNDS.join(',')}]::float8[]) = ${i + 1})::int`).join(', ')}]`

/** Rows of one kind for local days `from`…`to` (inclusive, `YYYY-MM-DD`), or all when no range. */
function insertSql(kind: RollupKind, p: RollupParams, ranged: boolean): string {
  const z = literal(p.zone)
  const within = (column: string) =>
    ranged ? `and ${column} >= ($2::date)::timestamp at time zone ${z} and ${column} < ($3::date + 1)::timestamp at time zone ${z}` : ''
  switch (kind) {
    case 'appeals':
      return `insert into appeal_day (org_id, day, branch_id, office_code, form, topic, consumer_type, complaint_topic, request_type,
          channel, contract_concluded, complaint_settled, is_repeat, received)
        select org_id, (received_at at time zone ${z})::date, branch_id, office_code, form, topic, consumer_type, complaint_topic, request_type,
          channel, contract_concluded, complaint_settled, repeat_of is not null, count(*)
        from appeal where org_id = $1 ${within('received_at')}
        group by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13`
    case 'appeal_due':
      // a term ending at 24:00 is stored as 00:00 of the next day: the day is that of the last instant of the term
      return `insert into appeal_due_day (org_id, day, branch_id, office_code, form, topic, consumer_type, complaint_topic, request_type, deadline_rule_id, due, on_time, late, unanswered)
        select org_id, ((due_at - interval '1 microsecond') at time zone ${z})::date, branch_id, office_code, form, topic, consumer_type, complaint_topic, request_type, deadline_rule_id,
          count(*), count(*) filter (where answered_at <= due_at), count(*) filter (where answered_at > due_at), count(*) filter (where answered_at is null)
        from appeal where org_id = $1 and due_at is not null
          ${ranged ? `and due_at > ($2::date)::timestamp at time zone ${z} and due_at <= ($3::date + 1)::timestamp at time zone ${z}` : ''}
        group by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10`
    case 'calls': {
      // Two kinds of rows (ADR 016). Contact rows: one consumer call once, on its own line (where it was answered,
      // else where it ended); a call closed as «нет окончания в журнале» only in `no_ending`. Leg rows: each queue a
      // call went through, on that queue's line, by the call's start day (figures by line).
      const wait = 'extract(epoch from answered_at - started_at)'
      const contact = `not no_ending`
      const leg = `case when c.legs is null then c.line else l.value->>'line' end`
      const outcome = `case when c.legs is not null then l.value->>'outcome' when c.no_ending then 'no_ending' when c.answered_at is not null then 'answered' else 'lost' end`
      const legWait = `case when c.legs is null then extract(epoch from c.answered_at - c.started_at) else (l.value->>'answered')::float8 - (l.value->>'entered')::float8 end`
      // ADR 027: the waiting figures count only calls whose queue wait is known (not Asterisk CDR, 3CX)
      const waitKnown = `${contact} and wait_known`
      return `insert into call_day (org_id, day, branch_id, line, category, direction, calls, answered, abandoned, short_abandoned, answered_in_sl,
          wait_sum, handle_sum, callbacks_required, callbacks_done, callbacks_in_time, no_ending, legs, legs_answered, legs_overflowed, legs_lost, leg_wait_sum,
          wait_answered, wait_judged, legs_wait_answered)
        select org_id, day, branch_id, line, category, direction, sum(calls), sum(answered), sum(abandoned), sum(short_abandoned), sum(answered_in_sl),
          sum(wait_sum), sum(handle_sum), sum(callbacks_required), sum(callbacks_done), sum(callbacks_in_time), sum(no_ending),
          sum(legs), sum(legs_answered), sum(legs_overflowed), sum(legs_lost), sum(leg_wait_sum),
          sum(wait_answered), sum(wait_judged), sum(legs_wait_answered)
        from (
          select org_id, (started_at at time zone ${z})::date as day, branch_id, line, category, direction,
            count(*) filter (where ${contact}) as calls,
            count(*) filter (where ${contact} and answered_at is not null) as answered,
            count(*) filter (where ${contact} and answered_at is null) as abandoned,
            count(*) filter (where ${contact} and answered_at is null and extract(epoch from ended_at - started_at) < ${Number(p.shortAbandonSeconds)}) as short_abandoned,
            count(*) filter (where ${waitKnown} and answered_at is not null and ${wait} <= ${Number(p.serviceLevelSeconds)}) as answered_in_sl,
            coalesce(sum(${wait}) filter (where ${waitKnown} and answered_at is not null), 0) as wait_sum,
            coalesce(sum(extract(epoch from ended_at - answered_at)) filter (where ${contact} and answered_at is not null), 0) as handle_sum,
            count(*) filter (where callback_required) as callbacks_required,
            count(*) filter (where callback_required and callback_at is not null) as callbacks_done,
            ${p.callbackSeconds === null ? '0' : `count(*) filter (where callback_required and callback_at is not null and extract(epoch from callback_at - ended_at) <= ${Number(p.callbackSeconds)})`} as callbacks_in_time,
            count(*) filter (where no_ending) as no_ending,
            0 as legs, 0 as legs_answered, 0 as legs_overflowed, 0 as legs_lost, 0::float8 as leg_wait_sum,
            count(*) filter (where ${waitKnown} and answered_at is not null) as wait_answered,
            count(*) filter (where ${waitKnown} and not (answered_at is null and extract(epoch from ended_at - started_at) < ${Number(p.shortAbandonSeconds)})) as wait_judged,
            0 as legs_wait_answered
          from call where org_id = $1 ${within('started_at')}
          group by 1, 2, 3, 4, 5, 6
          union all
          select org_id, day, branch_id, line, category, direction, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            count(*) filter (where outcome <> 'no_ending'), count(*) filter (where outcome = 'answered'), count(*) filter (where outcome = 'overflowed'),
            count(*) filter (where outcome = 'lost'), coalesce(sum(leg_wait) filter (where outcome = 'answered' and wait_known), 0),
            0, 0, count(*) filter (where outcome = 'answered' and wait_known)
          from (
            select c.org_id, (c.started_at at time zone ${z})::date as day, c.branch_id, ${leg} as line, c.category, c.direction,
              ${outcome} as outcome, ${legWait} as leg_wait, c.wait_known
            from call c left join lateral jsonb_array_elements(c.legs) l on true
            where c.org_id = $1 and c.direction = 'in' ${within('c.started_at')}
          ) legs
          group by 1, 2, 3, 4, 5, 6
        ) u
        group by 1, 2, 3, 4, 5, 6`
    }
    case 'visits': {
      const wait = 'extract(epoch from called_at - issued_at)'
      const service = 'extract(epoch from service_ended_at - called_at)'
      return `insert into visit_day (org_id, day, branch_id, office_code, service_kind, consumer_type, visits, served, no_shows, completed,
          wait_sum, service_sum, wait_judged, wait_within, wait_hist, service_hist)
        select org_id, day, branch_id, office_code, service_kind, consumer_type, count(*),
          count(*) filter (where called_at is not null),
          count(*) filter (where called_at is null),
          count(*) filter (where called_at is not null and service_ended_at is not null),
          coalesce(sum(${wait}) filter (where called_at is not null), 0),
          coalesce(sum(${service}) filter (where called_at is not null and service_ended_at is not null), 0),
          count(*) filter (where called_at is not null and norm is not null),
          count(*) filter (where called_at is not null and ${wait} <= norm),
          ${histogramSql(wait, 'called_at is not null')},
          ${histogramSql(service, 'called_at is not null and service_ended_at is not null')}
        from (select v.*, (v.issued_at at time zone ${z})::date as day, ${visitNormSql(p.visitWaitNorms)} as norm
              from visit v where v.org_id = $1 ${within('v.issued_at')}) v
        group by 1, 2, 3, 4, 5, 6`
    }
    case 'surveys':
      // responses by the day they were submitted (each answer to a CSAT/NPS/CES question counted), personal
      // links by the day they were made; how a response came is its link's delivery, or QR, or the operator
      return `insert into survey_day (org_id, day, survey_id, branch_id, office_code, form, topic, consumer_type, delivery, responses,
          csat_answers, csat_satisfied, csat_sum, nps_answers, promoters, detractors, ces_answers, ces_sum, invitations, invitations_answered)
        select org_id, day, survey_id, branch_id, office_code, form, topic, consumer_type, delivery, sum(responses),
          sum(csat_answers), sum(csat_satisfied), sum(csat_sum), sum(nps_answers), sum(promoters), sum(detractors), sum(ces_answers), sum(ces_sum),
          sum(invitations), sum(invitations_answered)
        from (
          select r.org_id, (r.submitted_at at time zone ${z})::date as day, r.survey_id, r.branch_id, r.office_code, r.form, r.topic, r.consumer_type,
            coalesce(i.delivery, case r.collected_by when 'phone' then 'phone' when 'qr' then 'qr' else 'other' end) as delivery, 1 as responses,
            a.csat_answers, a.csat_satisfied, a.csat_sum, a.nps_answers, a.promoters, a.detractors, a.ces_answers, a.ces_sum, 0 as invitations, 0 as invitations_answered
          from survey_response r
            left join survey_invitation i on i.id = r.invitation_id
            cross join lateral (
              select count(*) filter (where kind = 'csat') as csat_answers, count(*) filter (where kind = 'csat' and score >= 4) as csat_satisfied,
                coalesce(sum(score) filter (where kind = 'csat'), 0) as csat_sum, count(*) filter (where kind = 'nps') as nps_answers,
                count(*) filter (where kind = 'nps' and score >= 9) as promoters, count(*) filter (where kind = 'nps' and score <= 6) as detractors,
                count(*) filter (where kind = 'ces') as ces_answers, coalesce(sum(score) filter (where kind = 'ces'), 0) as ces_sum
              from survey_answer where response_id = r.id) a
          where r.org_id = $1 ${within('r.submitted_at')}
          union all
          select i.org_id, (i.created_at at time zone ${z})::date, i.survey_id, i.branch_id, i.office_code, i.form, i.topic, i.consumer_type, i.delivery, 0,
            0, 0, 0, 0, 0, 0, 0, 0, 1, (x.id is not null)::int
          from survey_invitation i
            -- a single-use link has at most one response (survey_response_once)
            left join survey_response x on x.invitation_id = i.id and x.single_use
          where i.org_id = $1 and i.single_use ${within('i.created_at')}
        ) u
        group by 1, 2, 3, 4, 5, 6, 7, 8, 9`
  }
}

const TABLES: Record<RollupKind, string> = {
  appeals: 'appeal_day',
  appeal_due: 'appeal_due_day',
  calls: 'call_day',
  visits: 'visit_day',
  surveys: 'survey_day',
}

export interface RefreshResult {
  kind: RollupKind
  mode: 'full' | 'days'
  from?: string
  to?: string
}

/**
 * Brings the rollups of an organisation up to date: changed days, or a kind as a whole when its
 * parameters changed. One transaction; concurrent refreshes of one organisation wait for each other.
 * Returns the parameters the rollups now stand on (for the figures read next) and what was rebuilt.
 */
export async function refreshRollups(database: Database, orgId: string): Promise<{ params: RollupParams; refreshed: RefreshResult[] }> {
  const client = await database.pool.connect()
  const done: RefreshResult[] = []
  try {
    await client.query('begin')
    await client.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [`sq-rollup:${orgId}`])
    const params = await loadRollupParams(client, orgId)
    const states = new Map(
      (await client.query<{ kind: RollupKind; params: string }>('select kind, params from rollup_state where org_id = $1', [orgId])).rows.map((r) => [
        r.kind,
        r.params,
      ]),
    )
    const z = literal(params.zone)
    for (const kind of KINDS) {
      const wanted = paramsOf(kind, params)
      const table = TABLES[kind]
      if (states.get(kind) !== wanted) {
        await client.query(`delete from ${table} where org_id = $1`, [orgId])
        await client.query('delete from rollup_dirty where org_id = $1 and kind = $2', [orgId, kind])
        await client.query(insertSql(kind, params, false), [orgId])
        await client.query(
          `insert into rollup_state (org_id, kind, params, built_at) values ($1, $2, $3, now())
           on conflict (org_id, kind) do update set params = excluded.params, built_at = excluded.built_at`,
          [orgId, kind, wanted],
        )
        done.push({ kind, mode: 'full' })
        continue
      }
      // the due day is that of the term's last instant (see insertSql)
      const shift = kind === 'appeal_due' ? " - interval '1 microsecond'" : ''
      const range = (
        await client.query<{ from: string | null; to: string | null }>(
          `with taken as (delete from rollup_dirty where org_id = $1 and kind = $2 returning from_at, to_at)
           select to_char((min(from_at)${shift}) at time zone ${z}, 'YYYY-MM-DD') as "from",
                  to_char((max(to_at)${shift}) at time zone ${z}, 'YYYY-MM-DD') as "to" from taken`,
          [orgId, kind],
        )
      ).rows[0]
      if (!range?.from || !range.to) continue
      await client.query(`delete from ${table} where org_id = $1 and day between $2::date and $3::date`, [orgId, range.from, range.to])
      await client.query(insertSql(kind, params, true), [orgId, range.from, range.to])
      done.push({ kind, mode: 'days', from: range.from, to: range.to })
    }
    await client.query('commit')
    return { params, refreshed: done }
  } catch (error) {
    await client.query('rollback').catch(() => {})
    throw error
  } finally {
    client.release()
  }
}
