import { formatIsoLocal, formatLocalDateTime, localParts, localToInstant, zoneOffsetMs } from './local-time.ts'

describe('local time in the organisation zone', () => {
  it('converts wall-clock times to instants in several Russian zones', () => {
    expect(localToInstant('Europe/Moscow', 2025, 1, 1).toISOString()).toBe('2024-12-31T21:00:00.000Z')
    expect(localToInstant('Asia/Yekaterinburg', 2025, 1, 1).toISOString()).toBe('2024-12-31T19:00:00.000Z')
    expect(localToInstant('Asia/Vladivostok', 2025, 6, 12, 23, 59).toISOString()).toBe('2025-06-12T13:59:00.000Z')
    expect(localToInstant('Europe/Kaliningrad', 2025, 3, 8, 0, 0).toISOString()).toBe('2025-03-07T22:00:00.000Z')
  })

  it('follows historical offsets (Moscow was UTC+4 in 2012)', () => {
    expect(zoneOffsetMs('Europe/Moscow', Date.UTC(2012, 5, 1)) / 3_600_000).toBe(4)
    expect(localToInstant('Europe/Moscow', 2012, 6, 1, 12).toISOString()).toBe('2012-06-01T08:00:00.000Z')
  })

  it('formats instants as the organisation reads them, whatever the process zone', () => {
    const instant = new Date('2025-12-31T21:30:00Z')
    expect(formatLocalDateTime(instant, 'Europe/Moscow')).toBe('01.01.2026 00:30')
    expect(formatLocalDateTime(instant, 'Asia/Yekaterinburg', true)).toBe('01.01.2026 02:30:00')
    expect(formatIsoLocal(instant, 'Asia/Yekaterinburg')).toBe('2026-01-01T02:30:00+05:00')
    expect(localParts(instant, 'Europe/Moscow')).toEqual({ year: 2026, month: 1, day: 1, hour: 0, minute: 30, second: 0 })
  })
})
