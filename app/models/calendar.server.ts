import { sql } from 'kysely'
import type { Db } from '#db/client.server.ts'
import { localParts } from '#reports/time/local-time.ts'
import { CALENDAR_KINDS } from '#app/utils/deadline-labels.ts'
import { InputError } from '#reports/errors.ts'
import { recomputeAppealDueDates } from '#reports/deadlines/rules.server.ts'
import { type Actor, inTransaction, runCommand } from './command.server.ts'

/** Loaded years, federal and the organisation's own, with whether each is confirmed. */
export async function listCalendarYears(db: Db, orgId: string) {
  return db
    .selectFrom('calendar_year')
    .select(['year', 'source', 'verified', 'org_id as orgId'])
    .where((eb) => eb.or([eb('org_id', 'is', null), eb('org_id', '=', orgId)]))
    .orderBy('year')
    .execute()
}

/** The special days of a year: federal and the organisation's own (its own win). */
export async function listCalendarDays(db: Db, orgId: string, year: number) {
  return (
    db
      .selectFrom('calendar_day')
      // dates as text: pg would turn a `date` into midnight of the process zone
      .select(['id', sql<string>`to_char(day, 'YYYY-MM-DD')`.as('day'), 'kind', 'note', 'org_id as orgId'])
      .where((eb) => eb.or([eb('org_id', 'is', null), eb('org_id', '=', orgId)]))
      .where(sql`extract(year from day)`, '=', year)
      .orderBy('day')
      .execute()
  )
}

/** The current and next year in the organisation's zone that no loaded calendar covers. */
export async function missingCalendarYears(db: Db, orgId: string, zone: string, now = new Date()): Promise<number[]> {
  const current = localParts(now, zone).year
  const loaded = new Set((await listCalendarYears(db, orgId)).map((y) => y.year))
  return [current, current + 1].filter((y) => !loaded.has(y))
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/

function parseDay(text: string, field?: string): string {
  const t = text.trim()
  const ru = /^(\d{2})\.(\d{2})\.(\d{4})$/.exec(t)
  const iso = ru ? `${ru[3]}-${ru[2]}-${ru[1]}` : t
  const m = DATE.exec(iso)
  const d = m ? new Date(`${iso}T00:00:00Z`) : null
  if (!m || !d || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== iso)
    throw new InputError(`Нет такой даты: «${t}». Ожидается ДД.ММ.ГГГГ.`, field)
  return iso
}

/** Adds (or replaces) one of the organisation's own days: a regional holiday, a working weekend, a short day. */
export async function addOwnDay(db: Db, orgId: string, input: { day: string; kind: string; note: string }): Promise<string> {
  const day = parseDay(input.day, 'day')
  if (!(CALENDAR_KINDS as readonly string[]).includes(input.kind)) throw new InputError('Неизвестный вид дня.', 'kind')
  await db
    .deleteFrom('calendar_day')
    .where('org_id', '=', orgId)
    .where(sql`day`, '=', sql`${day}::date`)
    .execute()
  await db
    .insertInto('calendar_day')
    .values({ org_id: orgId, day, kind: input.kind as (typeof CALENDAR_KINDS)[number], note: input.note.trim() || null })
    .execute()
  return day
}

export async function removeOwnDay(db: Db, orgId: string, dayId: string): Promise<void> {
  if (!/^\d{1,18}$/.test(dayId)) return
  await db.deleteFrom('calendar_day').where('org_id', '=', orgId).where('id', '=', dayId).execute()
}

/**
 * Adds a year to the organisation's calendar: its days off on weekdays and its working weekends (one date
 * per line). Refuses a year already loaded.
 */
export async function addOwnYear(db: Db, orgId: string, input: { year: number; holidays: string; workingWeekends: string; source: string }): Promise<void> {
  if (!Number.isInteger(input.year) || input.year < 2000 || input.year > 2099) throw new InputError('Год — от 2000 до 2099.', 'year')
  if ((await listCalendarYears(db, orgId)).some((y) => y.year === input.year)) throw new InputError(`${input.year} год уже загружен.`, 'year')
  const lines = (text: string) =>
    text
      .split(/[\n,;]+/)
      .map((l) => l.trim())
      .filter(Boolean)
  const rows = [
    ...lines(input.holidays).map((d) => ({ day: parseDay(d, 'holidays'), kind: 'holiday' as const, field: 'holidays' })),
    ...lines(input.workingWeekends).map((d) => ({ day: parseDay(d, 'workingWeekends'), kind: 'working_weekend' as const, field: 'workingWeekends' })),
  ]
  const outside = rows.find((r) => !r.day.startsWith(`${input.year}-`))
  if (outside) throw new InputError(`Дата ${outside.day} не относится к ${input.year} году.`, outside.field)
  await inTransaction(db, async (tx) => {
    if (rows.length)
      await tx
        .insertInto('calendar_day')
        .values(rows.map((r) => ({ org_id: orgId, day: r.day, kind: r.kind, note: null })))
        .execute()
    await tx
      .insertInto('calendar_year')
      .values({ org_id: orgId, year: input.year, source: input.source.trim() || null, verified: true })
      .execute()
  })
}

export type CalendarChange =
  | { intent: 'add-day'; day: string; kind: string; note: string }
  | { intent: 'remove-day'; dayId: string }
  | { intent: 'add-year'; year: number; holidays: string; workingWeekends: string; source: string }

/**
 * A change of the organisation's calendar as one command (ADR 025): the change, every appeal's due date
 * counted again and the audit row `calendar.update`, in one transaction — a failure anywhere leaves the
 * calendar, the due dates and the log as they were. Returns how many due dates changed.
 */
export async function changeCalendar(db: Db, actor: Actor, change: CalendarChange): Promise<{ recomputed: number }> {
  const orgId = actor.org.id
  return runCommand(db, actor, async (tx) => {
    let details: Record<string, unknown>
    if (change.intent === 'add-day') {
      const day = await addOwnDay(tx, orgId, change)
      details = { added: day, kind: change.kind }
    } else if (change.intent === 'remove-day') {
      await removeOwnDay(tx, orgId, change.dayId)
      details = { removed: change.dayId }
    } else {
      await addOwnYear(tx, orgId, change)
      details = { year: change.year }
    }
    // the calendar changed: every appeal's due date is counted again, in the same transaction
    const recomputed = await recomputeAppealDueDates(tx, orgId, actor.org.time_zone)
    return {
      result: { recomputed },
      audit: { action: 'calendar.update', object: 'производственный календарь', details: { intent: change.intent, ...details, recomputed } },
    }
  })
}
