/** ru-RU formatting for screens; instants are shown in the organisation's zone. Client-safe. */
import { formatLocalDateTime } from '#reports/time/local-time.ts'

const integer = new Intl.NumberFormat('ru-RU', { maximumFractionDigits: 0 })

export function formatCount(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : integer.format(value)
}

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return '—'
  if (bytes < 1024) return `${bytes} Б`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toLocaleString('ru-RU', { maximumFractionDigits: 1 })} КБ`
  return `${(bytes / 1024 / 1024).toLocaleString('ru-RU', { maximumFractionDigits: 1 })} МБ`
}

export function formatDateTime(value: Date | string | null | undefined, zone: string, withSeconds = false): string {
  if (!value) return '—'
  return formatLocalDateTime(typeof value === 'string' ? new Date(value) : value, zone, withSeconds)
}

/** 8.5 → «8,5 с», 920 → «15 мин 20 с», 36 900 → «10 ч 15 мин». */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—'
  if (seconds < 60) return `${seconds.toLocaleString('ru-RU', { maximumFractionDigits: 1 })} с`
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
