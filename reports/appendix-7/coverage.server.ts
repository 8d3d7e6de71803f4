/**
 * Whether the logs hold the years a report counts: for each log (appeals, calls, office visits) and each
 * of the years N‑1 and N, the months that have records in the user's scope (from the daily rollups).
 * A year without any record is «нет данных» on the form (not 0); a year with months missing is
 * flagged as partial. The page, «Проверки» and the file say so before anyone relies on the figures.
 */
import { sql } from 'kysely'
import type { Scope } from '#db/scope.server.ts'
import type { Db } from '#db/client.server.ts'
import { viewConditions } from '#reports/metrics/dashboard.server.ts'
import { localParts } from '#reports/time/local-time.ts'

export type LogKind = 'appeals' | 'calls' | 'visits'

export const LOG_NAME: Record<LogKind, string> = { appeals: 'Журнал обращений', calls: 'Журнал звонков', visits: 'Журнал посещений офисов' }
export const NO_DATA = 'нет данных'

const MONTHS = ['январь', 'февраль', 'март', 'апрель', 'май', 'июнь', 'июль', 'август', 'сентябрь', 'октябрь', 'ноябрь', 'декабрь']

export interface YearCoverage {
  log: LogKind
  year: number
  /** months (1–12) with at least one record */
  months: number[]
  /** months that should have records by the «as of» moment but have none */
  missing: number[]
}

export interface DataWarning {
  log: LogKind
  year: number
  kind: 'none' | 'partial'
  text: string
}

const TABLE: Record<LogKind, string> = { appeals: 'appeal_day', calls: 'call_day', visits: 'visit_day' }

/**
 * The months (YYYY-MM) of `from`–`to` with a record of the log in the scope: a month has records if one rollup
 * row of it is found (the index on (org_id, day): a probe per month, not a read of the period's rows).
 */
async function monthsWithRecords(db: Db, log: LogKind, scope: Scope, from: string, to: string): Promise<Set<string>> {
  const rows = await sql<{ month: string }>`
    select to_char(m.start, 'YYYY-MM') as month
    from generate_series(date_trunc('month', ${from}::date), ${to}::date, interval '1 month') as m(start)
    where exists (
      select 1 from ${sql.table(TABLE[log])} r
      where r.day between greatest(m.start::date, ${from}::date) and least((m.start + interval '1 month - 1 day')::date, ${to}::date)
        and ${sql.join(viewConditions(log, scope, {}), sql` and `)}
    )`.execute(db)
  return new Set(rows.rows.map((r) => r.month))
}

/** Months with records of each log in the years given (the user's scope; calls without a branch only for organisation-wide users). */
export async function coverageOf(db: Db, scope: Scope, years: readonly number[], asOf: Date, zone: string): Promise<YearCoverage[]> {
  const now = localParts(asOf, zone)
  const logs = ['appeals', 'calls', 'visits'] as const
  const seenOf = await Promise.all(logs.map((log) => monthsWithRecords(db, log, scope, `${Math.min(...years)}-01-01`, `${Math.max(...years)}-12-31`)))
  const out: YearCoverage[] = []
  logs.forEach((log, i) => {
    const seen = seenOf[i]!
    for (const year of years) {
      const months = Array.from({ length: 12 }, (_, i) => i + 1).filter((m) => seen.has(`${year}-${String(m).padStart(2, '0')}`))
      // months that are over (or begun) by «as of»: a year still running is not short of its future months
      const due = year < now.year ? 12 : year === now.year ? now.month : 0
      const missing = Array.from({ length: due }, (_, i) => i + 1).filter((m) => !months.includes(m))
      out.push({ log, year, months, missing })
    }
  })
  return out
}

export function hasData(coverage: readonly YearCoverage[], log: LogKind, year: number): boolean {
  return (coverage.find((c) => c.log === log && c.year === year)?.months.length ?? 0) > 0
}

/** The warnings of a report's coverage, in words; `uses` says which tables count each log. */
export function dataWarnings(coverage: readonly YearCoverage[], uses: Partial<Record<LogKind, string>>): DataWarning[] {
  const out: DataWarning[] = []
  for (const c of coverage) {
    const where = uses[c.log]
    if (!where) continue
    if (c.months.length === 0) {
      out.push({
        log: c.log,
        year: c.year,
        kind: 'none',
        text: `${LOG_NAME[c.log]}: за ${c.year} год нет ни одной записи — ${where} за ${c.year} год показывают «${NO_DATA}», а не 0.`,
      })
    } else if (c.missing.length) {
      const names = c.missing.map((m) => MONTHS[m - 1]).join(', ')
      out.push({
        log: c.log,
        year: c.year,
        kind: 'partial',
        text: `${LOG_NAME[c.log]}: за ${c.year} год нет записей за ${c.missing.length === 1 ? 'месяц' : 'месяцы'} ${names} — ${where} за ${c.year} год неполные.`,
      })
    }
  }
  return out
}

const DASHBOARD_USES: Record<LogKind, string> = { appeals: 'показатели обращений', calls: 'показатели звонков', visits: 'показатели офисов' }

/** Whether each log has records in a period of the dashboard, and the months of it (begun by `asOf`) without any. */
export interface PeriodCoverage {
  log: LogKind
  any: boolean
  missing: string[]
}

/** The coverage of a dashboard period per log (from the daily rollups, in the user's scope). */
export async function periodCoverage(db: Db, scope: Scope, period: { from: string; to: string }, asOf: Date, zone: string): Promise<PeriodCoverage[]> {
  const today = localParts(asOf, zone)
  const last = `${today.year}-${String(today.month).padStart(2, '0')}`
  const logs = ['appeals', 'calls', 'visits'] as const
  return Promise.all(
    logs.map(async (log) => {
      const seen = await monthsWithRecords(db, log, scope, period.from, period.to)
      const missing: string[] = []
      for (
        let [y, m] = period.from.split('-').map(Number) as [number, number];
        `${y}-${String(m).padStart(2, '0')}` <= period.to.slice(0, 7);
        m === 12 ? ((m = 1), y++) : m++
      ) {
        const key = `${y}-${String(m).padStart(2, '0')}`
        if (key > last) break
        if (!seen.has(key)) missing.push(`${MONTHS[m - 1]} ${y}`)
      }
      return { log, any: seen.size > 0, missing }
    }),
  )
}

/** The dashboard's warnings: a log without any record in the period (its figures «нет данных», not 0), or with months missing. */
export function periodWarnings(current: readonly PeriodCoverage[], previous: readonly PeriodCoverage[]): string[] {
  const out: string[] = []
  for (const c of current) {
    if (!c.any) out.push(`${LOG_NAME[c.log]}: за выбранный период нет ни одной записи — ${DASHBOARD_USES[c.log]} показывают «${NO_DATA}», а не 0.`)
    else if (c.missing.length)
      out.push(`${LOG_NAME[c.log]}: нет записей за ${c.missing.length === 1 ? 'месяц' : 'месяцы'} ${c.missing.join(', ')} — ${DASHBOARD_USES[c.log]} неполные.`)
    const before = previous.find((p) => p.log === c.log)
    if (c.any && before && !before.any) out.push(`${LOG_NAME[c.log]}: за тот же период год назад записей нет — сравнение с ним не проводится («${NO_DATA}»).`)
  }
  return out
}
