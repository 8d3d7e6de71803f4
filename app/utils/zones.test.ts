import { isValidTimeZone, zoneOffsetMs } from '#reports/time/local-time.ts'
import { RUSSIAN_ZONES, zoneLabel } from './zones.ts'

describe('Russian time zones by name', () => {
  it("each label states the zone's real offset, and the zone exists", () => {
    const now = Date.UTC(2026, 0, 15)
    for (const { zone, label } of RUSSIAN_ZONES) {
      expect(isValidTimeZone(zone), zone).toBe(true)
      expect(label, zone).toContain(`(UTC+${zoneOffsetMs(zone, now) / 3_600_000})`)
    }
  })
  it('shows «Москва (UTC+3)» for Europe/Moscow and keeps a foreign zone as it is', () => {
    expect(zoneLabel('Europe/Moscow')).toBe('Москва (UTC+3)')
    expect(zoneLabel('Europe/Berlin')).toBe('Europe/Berlin')
  })
})
