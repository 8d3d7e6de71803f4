import { sql } from 'kysely'
import type { Db } from '#db/client.server.ts'
import { type Scope, inScope } from '#db/scope.server.ts'

export interface LogOverview {
  log: 'appeals' | 'calls' | 'visits'
  total: number
  first: Date | null
  last: Date | null
}

export interface MonthRow {
  month: string
  appeals: number
  calls: number
  visits: number
}

export interface DataOverview {
  offices: number
  branches: number
  logs: LogOverview[]
  months: MonthRow[]
  pendingCalls: number
  /** true when the user sees some branches only */
  scoped: boolean
  scopeBranches: string[]
}

const LOGS = [
  { log: 'appeals', table: 'appeal', at: 'received_at' },
  { log: 'calls', table: 'call', at: 'started_at' },
  { log: 'visits', table: 'visit', at: 'issued_at' },
] as const

/**
 * What is loaded and visible in `scope`: records per log, the first and last instant, and counts per
 * local month (the organisation's zone): appeals by receipt, calls by start, visits by ticket issue.
 */
export async function getDataOverview(db: Db, scope: Scope, zone: string): Promise<DataOverview> {
  const visible = (table: string) => inScope(sql.ref(`${table}.org_id`), sql.ref(`${table}.branch_id`), scope)
  const logs: LogOverview[] = []
  const months = new Map<string, MonthRow>()
  for (const { log, table, at } of LOGS) {
    const totals = await sql<{ total: string; first: Date | null; last: Date | null }>`
      select count(*) as total, min(${sql.ref(at)}) as first, max(${sql.ref(at)}) as last
      from ${sql.table(table)} where ${visible(table)}`.execute(db)
    const row = totals.rows[0]!
    logs.push({ log, total: Number(row.total), first: row.first, last: row.last })
    const perMonth = await sql<{ month: string; n: string }>`
      select to_char(date_trunc('month', ${sql.ref(at)} at time zone ${zone}), 'YYYY-MM') as month, count(*) as n
      from ${sql.table(table)} where ${visible(table)} group by 1 order by 1`.execute(db)
    for (const { month, n } of perMonth.rows) {
      const entry = months.get(month) ?? { month, appeals: 0, calls: 0, visits: 0 }
      entry[log] = Number(n)
      months.set(month, entry)
    }
  }
  const [offices, branches, pending] = await Promise.all([
    db
      .selectFrom('office')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where(({ ref }) => inScope(ref('office.org_id'), ref('office.branch_id'), scope))
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('branch')
      .select(['name'])
      .where(({ ref }) => inScope(ref('branch.org_id'), ref('branch.id'), scope))
      .orderBy('name')
      .execute(),
    db
      .selectFrom('queue_log_pending')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where(({ ref }) => inScope(ref('queue_log_pending.org_id'), sql<string | null>`null`, scope))
      .executeTakeFirstOrThrow(),
  ])
  return {
    offices: Number(offices.n),
    branches: branches.length,
    logs,
    months: [...months.values()].sort((a, b) => a.month.localeCompare(b.month)),
    pendingCalls: Number(pending.n),
    scoped: scope.branches !== 'all',
    scopeBranches: scope.branches === 'all' ? [] : branches.map((b) => b.name),
  }
}
