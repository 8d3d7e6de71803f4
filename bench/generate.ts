/**
 * A year (2025, Europe/Moscow) of generated logs in SQL (`generate_series`), for the dashboard benchmark and
 * the large scenario of the load benchmark: 3 branches, 30 offices, 10 phone lines, N appeals, visits and
 * calls spread evenly over the year.
 */
import { sql } from 'kysely'
import type { Db } from '#db/client.server.ts'

export function yearGenerator(db: Db, orgId: string, volumes: { calls: number; appeals: number; visits: number }) {
  const year = sql`timestamptz '2025-01-01 00:00+03'`
  const spread = (n: number) => sql.raw(`(interval '365 days' * (((g::bigint * 7919) % ${Math.max(1, n)})::float8 / ${Math.max(1, n)}))`)
  const { calls: CALLS, appeals: APPEALS, visits: VISITS } = volumes
  return {
    async branchesAndOffices() {
      await sql`insert into branch (org_id, name) select ${orgId}, 'Филиал ' || g from generate_series(1, 3) g`.execute(db)
      await sql`insert into office (org_id, office_code, name, branch_id)
        select ${orgId}, 'O' || g, 'Офис ' || g, (select id from branch where org_id = ${orgId} order by id offset (g % 3) limit 1) from generate_series(1, 30) g`.execute(
        db,
      )
    },
    appeals: () =>
      sql`insert into appeal (org_id, reg_number, received_at, form, topic, complaint_topic, request_type, consumer_type, office_code, branch_id, due_at, answered_at)
        select ${orgId}, 'B-' || g, ${year} + ${spread(APPEALS)},
          (array['in_person','phone','internet','post','other'])[1 + g % 5], (array['transmission','connection','metering','service','maintenance','other'])[1 + g % 6],
          case when g % 13 = 0 then 'service' end, case when g % 5 = 0 then 'connection' end, (array['individual','legal','entrepreneur'])[1 + g % 3],
          'O' || (1 + g % 30), (select id from branch where org_id = ${orgId} order by id offset (g % 3) limit 1),
          ${year} + ${spread(APPEALS)} + interval '30 days', case when g % 17 <> 0 then ${year} + ${spread(APPEALS)} + interval '1 day' * (g % 35) end
        from generate_series(1, ${APPEALS}) g`.execute(db),
    visits: () =>
      sql`insert into visit (org_id, ticket_id, office_code, branch_id, service_kind, issued_at, called_at, service_ended_at, consumer_type)
        select ${orgId}, 'T-' || g, 'O' || (1 + g % 30), (select id from branch where org_id = ${orgId} order by id offset ((1 + g % 30) % 3) limit 1),
          (array['consultation','cashier','contract','connection','metering','other'])[1 + g % 6], ${year} + ${spread(VISITS)},
          case when g % 20 <> 0 then ${year} + ${spread(VISITS)} + interval '1 second' * (g % 2700) end,
          case when g % 20 <> 0 then ${year} + ${spread(VISITS)} + interval '1 second' * (g % 2700 + 300 + g % 900) end,
          (array['individual','legal','entrepreneur'])[1 + g % 3]
        from generate_series(1, ${VISITS}) g`.execute(db),
    /** Calls number `from`…`to` (of CALLS spread over the year). */
    calls: (from: number, to: number) =>
      sql`insert into call (org_id, call_id, direction, line, branch_id, started_at, answered_at, ended_at, category, callback_required, callback_at)
        select ${orgId}, 'C-' || g, case when g % 10 = 0 then 'out' else 'in' end, 'Линия ' || (g % 10),
          -- a call's branch is its line's (phone lines by branch), as the importer assigns it
          (select id from branch where org_id = ${orgId} order by id offset ((g % 10) % 3) limit 1),
          ${year} + ${spread(CALLS)},
          case when g % 7 <> 0 then ${year} + ${spread(CALLS)} + interval '1 second' * (g % 60) end,
          ${year} + ${spread(CALLS)} + interval '1 second' * (g % 60 + 30 + g % 400),
          (array['1.1','1.2','1.3','1.4','1.5','2','3','4','4.1','4.2','5','6','7','8','9','10','11'])[1 + g % 17],
          g % 25 = 0, case when g % 25 = 0 then ${year} + ${spread(CALLS)} + interval '1 minute' * (g % 300) end
        from generate_series(${from}::int, ${to}::int) g`.execute(db),
  }
}
