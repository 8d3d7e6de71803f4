/**
 * Charts with fixed sizes: recharts renders them to SVG on the server, so they are there without
 * JavaScript (ResponsiveContainer would measure the DOM and render nothing on the server). Each chart has
 * a fixed `id`: otherwise recharts numbers its clip paths with a process-wide counter, and the browser's
 * numbers differ from the server's (a hydration error). Axes show every tick (`interval={0}`): hiding
 * overlapping ticks depends on text measured in the browser, which the server cannot do.
 *
 * On the server a chart's SVG is drawn once per distinct content (`Drawn`, app/utils/chart-markup.server.ts):
 * the page carries that text; the browser hydrates it as it is and then draws the live chart (tooltips) in its
 * place before the first paint.
 */
import { type ReactElement, useContext, useEffect, useLayoutEffect, useState } from 'react'
import { Bar, BarChart, CartesianGrid, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts'
import { ChartMarkupContext } from './chart-markup.tsx'

const WIDTH = 560
const HEIGHT = 260
const COLORS = ['#2563eb', '#16a34a', '#f59e0b', '#9333ea', '#64748b', '#dc2626']
const MONTHS = ['янв', 'фев', 'мар', 'апр', 'май', 'июн', 'июл', 'авг', 'сен', 'окт', 'ноя', 'дек']
const number = new Intl.NumberFormat('ru-RU', { maximumFractionDigits: 1 })

/** `2025-03` → «мар», `2025-03-14` → «14.03» */
export function bucketLabel(bucket: string): string {
  const [, month, day] = bucket.split('-')
  return day ? `${day}.${month}` : (MONTHS[Number(month) - 1] ?? bucket)
}

/**
 * An axis label as plain SVG text. Recharts' own tick wraps words to the width it measures in the browser,
 * which the server cannot measure: «0,7 мин» was one line on the server and two in the browser (a
 * hydration mismatch). Plain text is the same on both.
 */
function AxisTick({
  x,
  y,
  payload,
  textAnchor,
  axis,
  format,
}: {
  x?: number
  y?: number
  payload?: { value: string | number }
  textAnchor?: 'start' | 'middle' | 'end' | 'inherit'
  axis: 'x' | 'y'
  format: (v: never) => string
}) {
  return (
    <text x={x} y={y} dy={axis === 'x' ? '0.71em' : '0.355em'} textAnchor={textAnchor} fill="#666" fontSize={12}>
      {format((payload?.value ?? '') as never)}
    </text>
  )
}

/**
 * The legend as HTML under the chart: recharts' own legend is measured in the browser and positioned in
 * pixels, which neither wraps on a phone nor scales with a full-width chart.
 */
function ChartLegend({ items }: { items: { label: string; color: string }[] }) {
  return (
    <ul className="chart-legend">
      {items.map((i) => (
        <li key={i.label}>
          <span className="swatch" style={{ background: i.color }} />
          {i.label}
        </li>
      ))}
    </ul>
  )
}

// true until the page's first hydration is over: a chart mounted later (a client-side navigation) is drawn live at once
let hydrating = typeof document !== 'undefined'
const useClientLayoutEffect = typeof document === 'undefined' ? useEffect : useLayoutEffect

/**
 * A recharts chart whose server SVG is drawn once per `drawKey` (everything the chart is drawn from). While the
 * page hydrates, the browser keeps the SVG the server sent (the same text, so no mismatch), then draws the live
 * chart before the first paint.
 */
function Drawn({ id, drawKey, chart }: { id: string; drawKey: unknown[]; chart: () => ReactElement }) {
  const draw = useContext(ChartMarkupContext)
  const [live, setLive] = useState(() => typeof document !== 'undefined' && !hydrating)
  useClientLayoutEffect(() => {
    hydrating = false
    setLive(true)
  }, [])
  if (live || (typeof document === 'undefined' && !draw)) return chart()
  const html =
    typeof document === 'undefined'
      ? draw!(JSON.stringify([id, ...drawKey]), chart)
      : (document.querySelector(`[data-chart="${CSS.escape(id)}"]`)?.innerHTML ?? '')
  return <div data-chart={id} dangerouslySetInnerHTML={{ __html: html }} />
}

/** A full-width chart of the cockpit: drawn at this width, scaled down by the page (viewBox). */
export const WIDE = 1150

export function StackedBars({
  id,
  title,
  data,
  series,
  width = WIDTH,
}: {
  id: string
  title: string
  data: Record<string, number | string>[]
  series: { key: string; label: string }[]
  width?: number
}) {
  return (
    <figure className={width > WIDTH ? 'chart wide' : 'chart'} data-testid={id}>
      <figcaption>{title}</figcaption>
      <Drawn
        id={id}
        drawKey={['stacked', width, data, series]}
        chart={() => (
          <BarChart id={id} width={width} height={HEIGHT} data={data} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="bucket" interval={0} tick={<AxisTick axis="x" format={bucketLabel} />} />
            <YAxis interval={0} tick={<AxisTick axis="y" format={(v: number) => number.format(v)} />} />
            <Tooltip formatter={(v: number) => number.format(v)} labelFormatter={bucketLabel} />
            {series.map((s, i) => (
              <Bar key={s.key} dataKey={s.key} name={s.label} stackId="a" fill={COLORS[i % COLORS.length]} isAnimationActive={false} />
            ))}
          </BarChart>
        )}
      />
      <ChartLegend items={series.map((s, i) => ({ label: s.label, color: COLORS[i % COLORS.length]! }))} />
    </figure>
  )
}

/** One line over the buckets; `norm` draws the norm as a dashed line. `unit` formats the axis. */
export function TrendLine({
  id,
  title,
  data,
  unit,
  norm,
  normLabel,
  width = WIDTH,
}: {
  id: string
  title: string
  data: { bucket: string; value: number | null }[]
  unit: 'share' | 'minutes'
  norm?: number | null
  normLabel?: string
  width?: number
}) {
  const scaled = data.map((d) => ({ bucket: d.bucket, value: d.value === null ? null : unit === 'share' ? d.value * 100 : d.value / 60 }))
  const suffix = unit === 'share' ? ' %' : ' мин'
  return (
    <figure className={width > WIDTH ? 'chart wide' : 'chart'} data-testid={id}>
      <figcaption>{title}</figcaption>
      <Drawn
        id={id}
        drawKey={['line', width, scaled, unit, norm ?? null, normLabel ?? null, title]}
        chart={() => (
          <LineChart id={id} width={width} height={HEIGHT} data={scaled} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="bucket" interval={0} tick={<AxisTick axis="x" format={bucketLabel} />} />
            <YAxis
              interval={0}
              tick={<AxisTick axis="y" format={(v: number) => `${number.format(v)}${suffix}`} />}
              domain={unit === 'share' ? [0, 100] : [0, 'auto']}
            />
            <Tooltip formatter={(v: number) => `${number.format(v)}${suffix}`} labelFormatter={bucketLabel} />
            <Line type="monotone" dataKey="value" name={title} stroke={COLORS[0]} dot isAnimationActive={false} connectNulls={false} />
            {norm !== null && norm !== undefined ? (
              <ReferenceLine
                y={norm}
                stroke="#dc2626"
                strokeDasharray="6 4"
                label={{ value: normLabel ?? `норматив ${number.format(norm)}${suffix}`, position: 'insideTopRight', fill: '#dc2626' }}
              />
            ) : null}
          </LineChart>
        )}
      />
    </figure>
  )
}

/**
 * Shares side by side per category (hours of the day, weekdays): each series a bar, in percent.
 * `labels` names the categories on the axis.
 */
export function ShareBars({
  id,
  title,
  data,
  series,
  width = WIDTH,
}: {
  id: string
  title: string
  data: ({ label: string } & Record<string, number | null | string>)[]
  series: { key: string; label: string; color: string }[]
  width?: number
}) {
  const scaled = data.map((d) => Object.fromEntries(Object.entries(d).map(([k, v]) => [k, typeof v === 'number' ? v * 100 : v])))
  return (
    <figure className={width > WIDTH ? 'chart wide' : 'chart'} data-testid={id}>
      <figcaption>{title}</figcaption>
      <Drawn
        id={id}
        drawKey={['shares', width, scaled, series]}
        chart={() => (
          <BarChart id={id} width={width} height={HEIGHT} data={scaled} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="label" interval={0} tick={<AxisTick axis="x" format={(v: string) => v} />} />
            <YAxis interval={0} domain={[0, 100]} tick={<AxisTick axis="y" format={(v: number) => `${number.format(v)} %`} />} />
            <Tooltip formatter={(v: number) => `${number.format(v)} %`} />
            {series.map((s) => (
              <Bar key={s.key} dataKey={s.key} name={s.label} fill={s.color} isAnimationActive={false} />
            ))}
          </BarChart>
        )}
      />
      <ChartLegend items={series.map((s) => ({ label: s.label, color: s.color }))} />
    </figure>
  )
}
