/** ru-RU formatting for screens; instants are shown in the organisation's zone. Client-safe. */
import { formatLocalDateTime } from '#reports/time/local-time.ts'
import type { MetricUnit } from '#reports/metrics/catalog.ts'

const integer = new Intl.NumberFormat('ru-RU', { maximumFractionDigits: 0 })
const numberFormats = new Map<string, Intl.NumberFormat>()

/**
 * A number in ru-RU with at most `maxFraction` (and at least `minFraction`) decimals. The formatters are
 * made once: `toLocaleString` with options builds a new one at every call, which was the largest single
 * cost of rendering the dashboard (≈ 3 s of CPU per 60 renders).
 */
export function ruNumber(value: number, maxFraction = 0, minFraction = 0): string {
  const key = `${minFraction}:${maxFraction}`
  let format = numberFormats.get(key)
  if (!format) {
    format = new Intl.NumberFormat('ru-RU', { minimumFractionDigits: minFraction, maximumFractionDigits: maxFraction })
    numberFormats.set(key, format)
  }
  return format.format(value)
}

export function formatCount(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : integer.format(value)
}

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return '—'
  if (bytes < 1024) return `${bytes} Б`
  if (bytes < 1024 * 1024) return `${ruNumber(bytes / 1024, 1)} КБ`
  return `${ruNumber(bytes / 1024 / 1024, 1)} МБ`
}

export function formatDateTime(value: Date | string | null | undefined, zone: string, withSeconds = false): string {
  if (!value) return '—'
  return formatLocalDateTime(typeof value === 'string' ? new Date(value) : value, zone, withSeconds)
}

/** 8.5 → «8,5 с», 920 → «15 мин 20 с», 36 900 → «10 ч 15 мин». */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—'
  if (seconds < 60) return `${ruNumber(seconds, 1)} с`
  const s = Math.round(seconds)
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const rest = s % 60
  return h ? `${h} ч ${m} мин` : `${m} мин${rest ? ` ${rest} с` : ''}`
}

const MONTHS = ['январь', 'февраль', 'март', 'апрель', 'май', 'июнь', 'июль', 'август', 'сентябрь', 'октябрь', 'ноябрь', 'декабрь']

/** `2025-03` → «март 2025» */
export function formatMonth(key: string): string {
  const [year, month] = key.split('-')
  return `${MONTHS[Number(month) - 1] ?? month} ${year}`
}

/** A figure by its catalog unit: count «1 234», share «61,2 %», seconds «15 мин 20 с», score «4,35», points «+33,3». */
export function formatMetric(unit: MetricUnit, value: number | null | undefined): string {
  if (value === null || value === undefined) return '—'
  if (unit === 'share') return `${ruNumber(value * 100, 1)} %`
  if (unit === 'seconds') return formatDuration(value)
  if (unit === 'score') return ruNumber(value, 2, 2)
  if (unit === 'points') return `${value > 0 ? '+' : value < 0 ? '−' : ''}${ruNumber(Math.abs(value), 1)}`
  return formatCount(value)
}

/** The change against the year before: shares in percentage points, other figures in percent; «—» without a base. */
export function formatChange(unit: MetricUnit, value: number | null | undefined, before: number | null | undefined): string {
  if (value === null || value === undefined || before === null || before === undefined) return '—'
  const sign = (n: number) => (n > 0 ? '+' : n < 0 ? '−' : '±')
  if (unit === 'score' || unit === 'points') {
    const d = value - before
    return `${sign(d)}${ruNumber(Math.abs(d), unit === 'score' ? 2 : 1)}`
  }
  if (unit === 'share') {
    const points = (value - before) * 100
    return `${sign(points)}${ruNumber(Math.abs(points), 1)} п. п.`
  }
  if (before === 0) return '—'
  const percent = ((value - before) / before) * 100
  return `${sign(percent)}${ruNumber(Math.abs(percent), 1)} %`
}
