import { type Kysely, sql } from 'kysely'
import type { DB } from '../schema.ts'
import federalCalendar from './ru-production-calendar.json'

interface CalendarYear {
  decree?: string
  holidays: string[]
  working_weekends: string[]
  short_days: string[]
  verified?: boolean
  presidential_nonworking_days?: { weekdays: string[] }
}

export interface CalendarFile {
  years: Record<string, CalendarYear>
}

/**
 * Loads the federal production calendar (org_id null) for every year of the file not loaded yet.
 * The 2020–2021 presidential non-working days count as non-working (deadlines.md).
 */
export async function seedFederalCalendar(db: Kysely<DB>, data: CalendarFile = federalCalendar as CalendarFile): Promise<number[]> {
  const loaded = await db.selectFrom('calendar_year').select('year').where('org_id', 'is', null).execute()
  const have = new Set(loaded.map((r) => r.year))
  const added: number[] = []
  for (const [yearText, year] of Object.entries(data.years)) {
    const y = Number(yearText)
    if (have.has(y)) continue
    const rows = [
      ...year.holidays.map((day) => ({ day, kind: 'holiday' as const, note: null })),
      ...year.working_weekends.map((day) => ({ day, kind: 'working_weekend' as const, note: null })),
      ...year.short_days.map((day) => ({ day, kind: 'short_day' as const, note: null })),
      ...(year.presidential_nonworking_days?.weekdays ?? []).map((day) => ({
        day,
        kind: 'nonworking_decree' as const,
        note: 'нерабочий день по указу Президента РФ',
      })),
    ]
    await db.transaction().execute(async (tx) => {
      if (rows.length) {
        await tx
          .insertInto('calendar_day')
          .values(rows.map((r) => ({ org_id: null, ...r })))
          .onConflict((oc) => oc.expression(sql`coalesce(org_id, 0), day`).doNothing())
          .execute()
      }
      await tx
        .insertInto('calendar_year')
        .values({ org_id: null, year: y, source: year.decree ?? null, verified: year.verified !== false })
        .execute()
    })
    added.push(y)
  }
  return added
}
