/**
 * Wall-clock time in an organisation's IANA zone, without depending on the process zone.
 * Offsets come from Intl and are cached per zone and hour, so converting a million timestamps
 * costs a map look-up each.
 */

const HOUR = 3_600_000
const formatters = new Map<string, Intl.DateTimeFormat>()
const offsetCache = new Map<string, Map<number, number>>()

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
    formatters.set(zone, f)
  }
  return f
}

/** True when Intl knows the zone (e.g. `Europe/Moscow`, `Asia/Yekaterinburg`). */
export function isValidTimeZone(zone: string): boolean {
  try {
    formatter(zone)
    return true
  } catch {
    return false
  }
}

/** The zone's offset from UTC in milliseconds at the instant `utcMs`. */
export function zoneOffsetMs(zone: string, utcMs: number): number {
  let byHour = offsetCache.get(zone)
  if (!byHour) offsetCache.set(zone, (byHour = new Map()))
  const hour = Math.floor(utcMs / HOUR)
  const cached = byHour.get(hour)
  if (cached !== undefined) return cached
  const parts = formatter(zone).formatToParts(new Date(hour * HOUR))
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value)
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'))
  const offset = asUtc - hour * HOUR
  byHour.set(hour, offset)
  return offset
}

/** The instant at which the wall clock in `zone` shows the given local time (month 1–12). */
export function localToInstant(zone: string, year: number, month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0): Date {
  const wall = Date.UTC(year, month - 1, day, hour, minute, second, ms)
  let utc = wall - zoneOffsetMs(zone, wall)
  const second_ = wall - zoneOffsetMs(zone, utc)
  if (second_ !== utc) utc = second_
  return new Date(utc)
}

export interface LocalParts {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  second: number
}

/** The wall-clock fields of an instant in `zone`. */
export function localParts(instant: Date, zone: string): LocalParts {
  const shifted = new Date(instant.getTime() + zoneOffsetMs(zone, instant.getTime()))
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    hour: shifted.getUTCHours(),
    minute: shifted.getUTCMinutes(),
    second: shifted.getUTCSeconds(),
  }
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0')

/** `дд.мм.гггг чч:мм` in the organisation's zone, as Russian screens and files print it. */
export function formatLocalDateTime(instant: Date | null | undefined, zone: string, withSeconds = false): string {
  if (!instant) return ''
  const p = localParts(instant, zone)
  const time = `${pad(p.hour)}:${pad(p.minute)}${withSeconds ? `:${pad(p.second)}` : ''}`
  return `${pad(p.day)}.${pad(p.month)}.${p.year} ${time}`
}

/** `дд.мм.гггг` in the organisation's zone. */
export function formatLocalDate(instant: Date | null | undefined, zone: string): string {
  if (!instant) return ''
  const p = localParts(instant, zone)
  return `${pad(p.day)}.${pad(p.month)}.${p.year}`
}

/** ISO 8601 with the zone's offset, e.g. `2025-03-14T09:05:00+03:00`. */
export function formatIsoLocal(instant: Date, zone: string): string {
  const offset = zoneOffsetMs(zone, instant.getTime()) / 60_000
  const p = localParts(instant, zone)
  const sign = offset < 0 ? '-' : '+'
  const abs = Math.abs(offset)
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}` + `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
}
