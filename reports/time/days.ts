/**
 * Local days as numbers (day 0 is 1970-01-01) and the instants that bound them in an organisation's zone.
 * Pure and client-safe: the deadline engine, the periods, the dashboards and the surveys count days with these.
 */
import { zoneOffsetMs } from './local-time.ts'

const DAY_MS = 86_400_000

/** Day number of a `YYYY-MM-DD` date (or y, m, d). */
export function dayNumber(text: string): number
export function dayNumber(year: number, month: number, day: number): number
export function dayNumber(a: string | number, month?: number, day?: number): number {
  if (typeof a === 'string') return Date.UTC(Number(a.slice(0, 4)), Number(a.slice(5, 7)) - 1, Number(a.slice(8, 10))) / DAY_MS
  return Date.UTC(a, month! - 1, day!) / DAY_MS
}

/** `YYYY-MM-DD` of a day number. */
export function dayText(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10)
}

/** The local date (as a day number from 1970-01-01) of an instant in `zone`. */
export function localDayOf(instant: Date, zone: string): number {
  const t = instant.getTime()
  return Math.floor((t + zoneOffsetMs(zone, t)) / DAY_MS)
}

/** The instant 00:00 of a local day in `zone` (the zone's offset just before that midnight). */
export function startOfLocalDay(day: number, zone: string): Date {
  const wall = day * DAY_MS
  let utc = wall - zoneOffsetMs(zone, wall)
  utc = wall - zoneOffsetMs(zone, utc)
  return new Date(utc)
}
