/**
 * «Что посмотреть сегодня» on the landing page: appeals past their term without an answer and those nearing
 * it, yesterday's lost calls, imports that did not finish in the last week. Every number is an existing
 * figure read by its existing query — the deadline engine's lists («Сроки»), the dashboard's call sums and
 * formula (`calls.abandoned`) — so each opens exactly its records.
 */
import type { Db } from '#db/client.server.ts'
import type { Scope } from '#db/scope.server.ts'
import { listAppealsForDeadlines } from '#reports/deadlines/compliance.server.ts'
import { callSums, figure, totalOf } from '#reports/metrics/dashboard.server.ts'
import { periodOf } from '#reports/metrics/period.ts'
import { localParts } from '#reports/time/local-time.ts'
import { dayNumber, dayText } from '#reports/time/days.ts'

export interface FailedImport {
  id: string
  kind: string
  fileName: string
  status: 'rejected' | 'failed' | 'interrupted'
  at: Date
  message: string | null
}

export interface Today {
  /** the local day «вчера» in the organisation's zone, YYYY-MM-DD */
  yesterday: string
  /** today, YYYY-MM-DD: the overdue list runs to its end */
  today: string
  /** appeals whose term has passed without an answer, as of now (any period) */
  overdue: number
  /** not answered, due within `atRiskDays` working days */
  atRisk: number
  /** calls.abandoned of yesterday (null: the calls do not apply — no call that day) */
  lostYesterday: number
  offeredYesterday: number
  /** the last import problems of the organisation (7 days) */
  failedImports: FailedImport[]
}

/** Since the first appeal that can exist: the overdue list of «Сроки» over all time. */
const EVER = '2000-01-01'

export async function todayItems(db: Db, scope: Scope, zone: string, now: Date, atRiskUntil: Date): Promise<Today> {
  const today = localParts(now, zone)
  const todayText = `${today.year}-${String(today.month).padStart(2, '0')}-${String(today.day).padStart(2, '0')}`
  const yesterday = dayText(dayNumber(todayText) - 1)
  const everything = periodOf(EVER, todayText, zone)
  const weekAgo = new Date(now.getTime() - 7 * 24 * 3600 * 1000)
  const [overdue, atRisk, calls, failed] = await Promise.all([
    listAppealsForDeadlines(db, scope, { asOf: now, period: everything, outcome: 'overdue' }, 1),
    listAppealsForDeadlines(db, scope, { asOf: now, atRiskUntil }, 1),
    callSums(db, scope, periodOf(yesterday, yesterday, zone), {}),
    db
      .selectFrom('import_batch')
      .select(['id', 'kind', 'file_name', 'status', 'started_at', 'message'])
      .where('org_id', '=', scope.orgId)
      .where('status', 'in', ['rejected', 'failed', 'interrupted'])
      .where('started_at', '>=', weekAgo)
      .orderBy('started_at', 'desc')
      .limit(5)
      .execute(),
  ])
  const total = totalOf('calls', calls)
  return {
    yesterday,
    today: todayText,
    overdue: overdue.total,
    atRisk: atRisk.total,
    lostYesterday: figure('calls.abandoned', total) ?? 0,
    offeredYesterday: figure('calls.offered', total) ?? 0,
    failedImports: failed.map((f) => ({
      id: f.id,
      kind: f.kind,
      fileName: f.file_name,
      status: f.status as FailedImport['status'],
      at: f.started_at as Date,
      message: f.message,
    })),
  }
}
