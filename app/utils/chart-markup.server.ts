import type { ReactElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'

/**
 * The SVG of charts, drawn by recharts once per distinct content and kept as text (ADR 033). Drawing is most of
 * a dashboard's render on the server (recharts computes axes, ticks and bars for every chart, every time),
 * and the same chart — a year's appeals by topic — is on the page of every user of a scope, while the render
 * cache keeps whole pages per user. The key is everything the chart is drawn from (charts.tsx: its id, size
 * and props), so a text is never shown for other data. At most MAX_BYTES of text; the least recently used go.
 * `renderToStaticMarkup` (a string at once) has none of the streaming renderer's multi-byte bug (entry.server.tsx).
 */
const MAX_BYTES = Number(process.env.CHART_CACHE_MB ?? 16) * 1024 * 1024

const state = globalThis as unknown as { __sqChartMarkup?: { entries: Map<string, string>; bytes: number; hits: number; misses: number } }
const cache = (state.__sqChartMarkup ??= { entries: new Map(), bytes: 0, hits: 0, misses: 0 })

export function drawChart(key: string, chart: () => ReactElement): string {
  const found = cache.entries.get(key)
  if (found !== undefined) {
    cache.hits++
    cache.entries.delete(key)
    cache.entries.set(key, found)
    return found
  }
  cache.misses++
  const markup = renderToStaticMarkup(chart())
  const bytes = (key.length + markup.length) * 2
  if (bytes > MAX_BYTES / 8) return markup
  cache.entries.set(key, markup)
  cache.bytes += bytes
  while (cache.bytes > MAX_BYTES && cache.entries.size > 0) {
    const [oldest, text] = cache.entries.entries().next().value as [string, string]
    cache.entries.delete(oldest)
    cache.bytes -= (oldest.length + text.length) * 2
  }
  return markup
}

/** For tests. */
export function chartMarkupStats() {
  return { hits: cache.hits, misses: cache.misses, entries: cache.entries.size, bytes: cache.bytes }
}
