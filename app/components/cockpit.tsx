/** The cockpit's pieces: the norm tiles (worst first), the «хуже всего» lists, the office × service heat-map. */
import { Link } from '@remix-run/react'
import { formatCount, formatMetric } from '#reports/format.ts'
import { TREND_MARK, type Trend, trendOf } from '#reports/cockpit/compare.ts'
import { type MetricId, metricCatalog } from '#reports/metrics/catalog.ts'
import { VERDICT_LABEL, type Verdict } from '#reports/supplier-standard/verdicts.ts'

interface NormSide {
  judged: number
  violations: number
  share: number | null
  meanSeconds: number | null
  verdict: Verdict
  late?: number
  overdue?: number
}
interface Norm {
  ruleId: string
  code: string
  name: string
  domain: 'appeals' | 'calls' | 'visits'
  norm: string
  isAverage: boolean
  current: NormSide
  previous: NormSide
  unfollowed: string | null
  filterQuery: string
}

const DOMAIN = { appeals: 'Обращения', calls: 'Звонки', visits: 'Офисы' } as const

/** The figure a norm is read by: the mean for an «в среднем» norm, else the share within it. */
function shown(norm: Norm, side: NormSide): { text: string; value: number | null; better: 'higher' | 'lower' } {
  if (norm.isAverage) return { text: formatMetric('seconds', side.meanSeconds), value: side.meanSeconds, better: 'lower' }
  return { text: formatMetric('share', side.share), value: side.share, better: 'higher' }
}

export function NormTiles({ norms, from, to, compareLabel }: { norms: readonly Norm[]; from: string; to: string; compareLabel: string }) {
  if (norms.length === 0) {
    return (
      <p className="muted" data-testid="no-norms">
        Активных правил сроков нет — нормативы не оцениваются. Правила задаёт специалист по качеству на странице «Правила сроков».
      </p>
    )
  }
  return (
    <div className="norm-tiles">
      {norms.map((n) => {
        // the drill-down lists the records of the same filters (the view's, those the norm's records have)
        const period = `from=${from}&to=${to}${n.filterQuery}`
        if (n.unfollowed) {
          return (
            <div key={n.ruleId} className="norm verdict-no_data" data-rule={n.code} data-verdict="no_data" data-unfollowed="">
              <div className="norm-head">
                <span className="domain">{DOMAIN[n.domain]}</span>
                <span className="verdict">не считается</span>
              </div>
              <div className="label">{n.name}</div>
              <div className="hint">норматив: {n.norm}</div>
              <div className="hint" data-testid="norm-unfollowed">
                {n.unfollowed}
              </div>
            </div>
          )
        }
        const now = shown(n, n.current)
        const before = shown(n, n.previous)
        const measuredBefore = n.previous.verdict !== 'no_data' && before.value !== null
        const trend: Trend = n.current.verdict === 'no_data' || !measuredBefore ? 'none' : trendOf(now.better, now.value, before.value)
        const records = n.domain === 'appeals' ? `/deadlines/records?${period}&rule=${n.ruleId}` : `/deadlines/norms/${n.ruleId}?${period}`
        const outcome = (o: string) =>
          n.domain === 'appeals' ? `/deadlines/records?${period}&rule=${n.ruleId}&outcome=${o}` : `/deadlines/norms/${n.ruleId}?${period}&outcome=${o}`
        const count = (value: number, o: string) => (value > 0 ? <Link to={outcome(o)}>{formatCount(value)}</Link> : '0')
        return (
          <div key={n.ruleId} className={`norm verdict-${n.current.verdict}`} data-rule={n.code} data-verdict={n.current.verdict}>
            <div className="norm-head">
              <span className="domain">{DOMAIN[n.domain]}</span>
              <span className="verdict">{VERDICT_LABEL[n.current.verdict]}</span>
            </div>
            <div className="label">{n.name}</div>
            <div className="value">
              {n.current.verdict === 'no_data' ? 'нет данных' : <Link to={records}>{now.text}</Link>}
              <span className="unit">{n.isAverage ? ' в среднем' : n.domain === 'appeals' ? ' в срок' : ' в нормативе'}</span>
            </div>
            <div className="hint">
              норматив: {n.norm}
              {n.isAverage ? '' : n.domain === 'appeals' ? ', каждое в срок' : ', каждая запись'}
            </div>
            {n.current.verdict !== 'no_data' ? (
              <div className="hint">
                {n.domain === 'appeals' ? (
                  <>
                    с нарушением: {count(n.current.late ?? 0, 'late')}, без ответа: {count(n.current.overdue ?? 0, 'overdue')} из{' '}
                    {formatCount(n.current.judged)}
                  </>
                ) : (
                  <>
                    нарушений: {n.current.violations > 0 ? <Link to={`/deadlines/norms/${n.ruleId}?${period}`}>{formatCount(n.current.violations)}</Link> : '0'}{' '}
                    из {formatCount(n.current.judged)}
                  </>
                )}
              </div>
            ) : null}
            <div className="hint" data-testid="compare">
              {compareLabel}: {measuredBefore ? before.text : 'нет данных'}
              {trend !== 'none' && trend !== 'same' ? <span className={`trend ${trend}`}> {TREND_MARK[trend]}</span> : null}
            </div>
          </div>
        )
      })}
    </div>
  )
}

export interface RankedRow {
  link: Record<string, string>
  label: string
  value: number | null
  base: number
}

/** The worst rows of a figure, five at most, each opening its records. */
export function WorstList({
  title,
  rows,
  metric,
  linkFor,
  testId,
  empty,
}: {
  title: string
  rows: readonly RankedRow[]
  metric: MetricId
  linkFor: (row: RankedRow) => string | null
  testId: string
  empty: string
}) {
  const m = metricCatalog[metric]
  return (
    <div className="worst-list" data-testid={testId}>
      <h3 title={m.definition}>{title}</h3>
      {rows.length === 0 ? (
        <p className="muted">{empty}</p>
      ) : (
        <ol>
          {rows.slice(0, 5).map((r) => {
            const to = linkFor(r)
            const key = Object.entries(r.link)
              .map(([k, v]) => `${k}=${v}`)
              .join('&')
            return (
              <li key={key} data-key={key}>
                <span className="name">{r.label}</span>{' '}
                <span className="figure">{to ? <Link to={to}>{formatMetric(m.unit, r.value)}</Link> : formatMetric(m.unit, r.value)}</span>{' '}
                <span className="muted">из {formatCount(r.base)}</span>
              </li>
            )
          })}
        </ol>
      )}
      {rows.length > 5 ? <p className="muted">и ещё {rows.length - 5} — в таблице ниже.</p> : null}
    </div>
  )
}

interface Heat {
  services: { code: string; label: string }[]
  rows: { office: string; label: string; cells: ({ served: number; meanWait: number | null; withinShare: number | null } | null)[] }[]
}

/** A share 0…1 as a colour from red (0) through yellow to green (1). */
export function heatColour(share: number | null): string {
  if (share === null) return '#f1f3f6'
  const hue = Math.round(Math.max(0, Math.min(1, share)) * 120)
  return `hsl(${hue} 70% 82%)`
}

/**
 * Office × service: the cell's colour is the share of visits served within the wait norm, its text the
 * mean wait; an empty cell had no visits. Each cell opens the visits it is over.
 */
export function HeatMap({ heat, linkFor }: { heat: Heat; linkFor: (office: string, serviceKind: string) => string | null }) {
  if (heat.rows.length === 0) return null
  const share = metricCatalog['visits.within_wait_norm_share']
  return (
    <figure className="heat" data-testid="heat-map">
      <figcaption>Офисы × услуги: цвет — {share.label.toLowerCase()} (красный — 0 %, зелёный — 100 %), число — среднее ожидание</figcaption>
      <table className="heat-table">
        <thead>
          <tr>
            <th>Офис</th>
            {heat.services.map((s) => (
              <th key={s.code}>{s.label}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {heat.rows.map((row) => (
            <tr key={row.office} data-key={row.office}>
              <th scope="row">{row.label}</th>
              {row.cells.map((c, i) => {
                const kind = heat.services[i]!.code
                if (!c) return <td key={kind} className="empty" />
                const to = linkFor(row.office, kind)
                const text = formatMetric('seconds', c.meanWait)
                return (
                  <td
                    key={kind}
                    style={{ background: heatColour(c.withinShare) }}
                    title={`${formatMetric('share', c.withinShare)} в пределах норматива, обслужено ${formatCount(c.served)}`}
                  >
                    {to ? <Link to={to}>{text}</Link> : text}
                    <span className="share">{formatMetric('share', c.withinShare)}</span>
                  </td>
                )
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  )
}
