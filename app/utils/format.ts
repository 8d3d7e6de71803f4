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

export function formatDateTime(value: Date | string | null | undefined, zone: string): string {
  if (!value) return '—'
  return formatLocalDateTime(typeof value === 'string' ? new Date(value) : value, zone)
}

const MONTHS = ['январь', 'февраль', 'март', 'апрель', 'май', 'июнь', 'июль', 'август', 'сентябрь', 'октябрь', 'ноябрь', 'декабрь']

/** `2025-03` → «март 2025» */
export function formatMonth(key: string): string {
  const [year, month] = key.split('-')
  return `${MONTHS[Number(month) - 1] ?? month} ${year}`
}
