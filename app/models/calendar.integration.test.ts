import { type TestWorld, resetWorld, useTestDatabase } from '#test/setup/database.ts'
import { addOwnDay, addOwnYear, listCalendarDays, listCalendarYears, missingCalendarYears } from './calendar.server.ts'
import { updateRule } from './deadline-rule.server.ts'

const t = useTestDatabase()
let world: TestWorld
beforeEach(async () => {
  world = await resetWorld(t.database)
  await t.database.db.deleteFrom('calendar_day').where('org_id', 'is not', null).execute()
  await t.database.db.deleteFrom('calendar_year').where('org_id', 'is not', null).execute()
})

describe('the production calendar in the product', () => {
  it('warns about the current or next year when it is not loaded', async () => {
    expect(await missingCalendarYears(t.database.db, world.org.id, 'Europe/Moscow', new Date('2026-11-23T10:00:00Z'))).toEqual([])
    expect(await missingCalendarYears(t.database.db, world.org.id, 'Europe/Moscow', new Date('2027-06-01T10:00:00Z'))).toEqual([2028])
    // New Year's Eve: already 2028 in Moscow
    expect(await missingCalendarYears(t.database.db, world.org.id, 'Europe/Moscow', new Date('2027-12-31T21:30:00Z'))).toEqual([2028, 2029])
  })

  it('adds a year with its days; refuses a loaded year and dates of another year', async () => {
    await addOwnYear(t.database.db, world.org.id, { year: 2028, holidays: '03.01.2028\n2028-01-04', workingWeekends: '', source: 'проект постановления' })
    expect((await listCalendarYears(t.database.db, world.org.id)).at(-1)).toMatchObject({ year: 2028, orgId: world.org.id })
    expect((await listCalendarDays(t.database.db, world.org.id, 2028)).map((d) => [d.day, d.kind])).toEqual([
      ['2028-01-03', 'holiday'],
      ['2028-01-04', 'holiday'],
    ])
    await expect(addOwnYear(t.database.db, world.org.id, { year: 2025, holidays: '', workingWeekends: '', source: '' })).rejects.toThrow(
      '2025 год уже загружен.',
    )
    await expect(addOwnYear(t.database.db, world.org.id, { year: 2029, holidays: '01.01.2030', workingWeekends: '', source: '' })).rejects.toThrow(
      'Дата 2030-01-01 не относится к 2029 году.',
    )
  })

  it('adds an organisation’s own day next to the federal ones, dates read as written', async () => {
    await addOwnDay(t.database.db, world.org.id, { day: '30.08.2025', kind: 'holiday', note: 'День Республики' })
    await expect(addOwnDay(t.database.db, world.org.id, { day: '31.02.2025', kind: 'holiday', note: '' })).rejects.toThrow('Нет такой даты: «31.02.2025»')
    const days = await listCalendarDays(t.database.db, world.org.id, 2025)
    expect(days.find((d) => d.day === '2025-08-30')).toMatchObject({ kind: 'holiday', note: 'День Республики', orgId: world.org.id })
    expect(days.find((d) => d.day === '2025-01-01')).toMatchObject({ kind: 'holiday', orgId: null })
  })

  it('validates a rule change', async () => {
    const rule = await t.database.db.selectFrom('deadline_rule').select('id').where('code', '=', 'network_appeal_written').executeTakeFirstOrThrow()
    const change = { name: 'Ответ', amount: 30, unit: 'calendar_days', active: true, isAverage: false, priority: 10, source: '' }
    await expect(updateRule(t.database.db, world.org.id, rule.id, { ...change, amount: 0 })).rejects.toThrow('Срок должен быть положительным числом.')
    await expect(updateRule(t.database.db, world.org.id, rule.id, { ...change, unit: 'weeks' })).rejects.toThrow('Неизвестная единица срока.')
    await updateRule(t.database.db, world.org.id, rule.id, { ...change, amount: 15 })
    expect((await t.database.db.selectFrom('deadline_rule').select('amount').where('id', '=', rule.id).executeTakeFirstOrThrow()).amount).toBe('15')
  })
})
