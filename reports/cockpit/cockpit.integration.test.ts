/**
 * The cockpit's own queries on hand-made data (the repository's sample files plus rows written here):
 * exact figures for the norms of every active rule, calls by hour and weekday, «что посмотреть сегодня»
 * and saved views.
 */
import { sql } from 'kysely'
import { type TestWorld, resetWorld, useTestDatabase } from '#test/setup/database.ts'
import { sample } from '#test/setup/files.ts'
import { runFileImport } from '#app/imports/pipeline.server.ts'
import { updateOrganisation } from '#app/models/organisation.server.ts'
import { deleteView, listSavedViews, saveView } from '#app/models/saved-view.server.ts'
import { refreshRollups } from '#reports/metrics/rollups.server.ts'
import { periodOf } from '#reports/metrics/period.ts'
import { callsByTime } from './hours.server.ts'
import { narrowScope } from './cockpit.server.ts'
import { cockpitNorms, normConditions } from './norms.server.ts'
import { type RuleCompliance, appealComplianceOfView, computeAppealCompliance } from '#reports/deadlines/compliance.server.ts'
import type { Narrowing, ViewFilter } from '#reports/metrics/view.ts'
import { todayItems } from './today.server.ts'

const t = useTestDatabase()
let world: TestWorld

const MSK = 'Europe/Moscow'
const march = periodOf('2025-03-01', '2025-03-31', MSK)
const february = periodOf('2025-02-01', '2025-02-28', MSK)
const all = () => ({ orgId: world.org.id, branches: 'all' as const })

beforeEach(async () => {
  world = await resetWorld(t.database)
  await updateOrganisation(t.database.db, world.org.id, { regime: 'both' })
  for (const [kind, file] of [
    ['offices', 'offices.csv'],
    ['appeals', 'appeals.csv'],
    ['calls', 'calls.csv'],
    ['visits', 'visits.csv'],
  ] as const) {
    await runFileImport(world.target, { kind, path: sample(file), fileName: file, skipInvalid: false, source: 'cli', createBranches: true })
  }
})

describe('the norms of every active rule', () => {
  it('each with its figure, violations and verdict for the period and the one before, broken first', async () => {
    const norms = await cockpitNorms(t.database.db, all(), march, february, march.end, MSK)
    const byCode = Object.fromEntries(norms.map((n) => [n.code, n]))
    // sample calls of March: answered after 12 s and 5 s, one abandoned after 70 s (a violation of the pickup norm)
    expect(byCode.supplier_call_pickup!.current).toEqual({ judged: 3, violations: 1, share: 2 / 3, meanSeconds: 8.5, verdict: 'broken' })
    // nothing in February: no data, never 0
    expect(byCode.supplier_call_pickup!.previous).toMatchObject({ judged: 0, violations: 0, share: null, verdict: 'no_data' })
    // the office wait: 2 within 30 minutes, 1 beyond; a no-show is not judged
    expect(byCode.network_visit_wait!.current).toMatchObject({ judged: 3, violations: 1, share: 2 / 3, verdict: 'broken' })
    // an average norm is judged by its mean (420 s against the consultation norm)
    expect(byCode.supplier_visit_wait_consultation!.current).toMatchObject({ meanSeconds: 420, verdict: 'met' })
    expect(byCode.supplier_visit_wait_cashier!.current).toMatchObject({ meanSeconds: 2280, verdict: 'broken' })
    // every active rule is there, appeal terms included; the order is broken, met, no data
    const active = await t.database.db.selectFrom('deadline_rule').select('code').where('org_id', '=', world.org.id).where('active', '=', true).execute()
    const dayTermsOnCallsOrVisits = await t.database.db
      .selectFrom('deadline_rule')
      .select('code')
      .where('org_id', '=', world.org.id)
      .where('active', '=', true)
      .where('applies_to', '<>', 'appeals')
      .where('unit', 'in', ['calendar_days', 'working_days'])
      .execute()
    expect(norms.length).toBe(active.length - dayTermsOnCallsOrVisits.length)
    expect(norms.some((n) => n.domain === 'appeals')).toBe(true)
    const order = { broken: 0, met: 1, no_data: 2 }
    const ranks = norms.map((n) => order[n.current.verdict])
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b))
    // among the broken per-record norms, the lowest share first
    const brokenShares = norms.filter((n) => n.current.verdict === 'broken' && !n.isAverage).map((n) => n.current.share!)
    expect(brokenShares).toEqual([...brokenShares].sort((a, b) => a - b))
  })

  it('for one branch: only its records; a branch the user does not have is refused', async () => {
    const branch = (await t.database.db.selectFrom('branch').select('id').where('name', '=', 'Северные ЭС').executeTakeFirstOrThrow()).id
    const norms = await cockpitNorms(t.database.db, { orgId: world.org.id, branches: [branch] }, march, february, march.end, MSK)
    const byCode = Object.fromEntries(norms.map((n) => [n.code, n]))
    // calls have no branch: not in a branch's norms; one visit of the branch's office is judged
    expect(byCode.supplier_call_pickup!.current.verdict).toBe('no_data')
    expect(byCode.network_visit_wait!.current.judged).toBe(1)
    expect(narrowScope({ orgId: world.org.id, branches: [branch] }, branch)).toEqual({ orgId: world.org.id, branches: [branch] })
    expect(() => narrowScope({ orgId: world.org.id, branches: [branch] }, '999')).toThrow()
    expect(narrowScope(all(), null)).toEqual(all())
  })
})

describe('appeal terms from the rollup (appealComplianceOfView)', () => {
  it('give what the records give (computeAppealCompliance), for every filter, at moments around the terms', async () => {
    const db = t.database.db
    const spring = periodOf('2025-03-01', '2025-04-30', MSK)
    // moments around every term and every answer: before an answer it was not there yet
    const appeals = await db.selectFrom('appeal').select(['due_at', 'answered_at']).where('due_at', 'is not', null).execute()
    const DAY = 86_400_000
    const around = (at: Date) => [-DAY, -1, 0, 1, DAY].map((d) => new Date(at.getTime() + d))
    const moments = [new Date(), ...appeals.flatMap((r) => [...around(r.due_at!), ...(r.answered_at ? around(r.answered_at) : [])])]
    const branch = (await db.selectFrom('branch').select('id').where('name', '=', 'Северные ЭС').executeTakeFirstOrThrow()).id
    const filters: [ViewFilter, Narrowing][] = [
      [{}, {}],
      [{ branch }, {}],
      [{ office: 'ЦОП-01' }, {}],
      [{ form: 'internet' }, {}],
      [{}, { topic: 'connection' }],
    ]
    const strip = (rows: RuleCompliance[]) => [...rows].sort((a, b) => a.code.localeCompare(b.code))
    let judged = 0
    let notYetAnswered = 0
    const unanswered = appeals.filter((r) => !r.answered_at).length
    for (const asOf of moments)
      for (const [filter, narrowing] of filters) {
        const records = await computeAppealCompliance(db, all(), spring, asOf, normConditions('appeals', all(), filter, narrowing))
        const rolled = await appealComplianceOfView(db, all(), spring, asOf, MSK, filter, narrowing)
        expect(strip(rolled), `${asOf.toISOString()} ${JSON.stringify([filter, narrowing])}`).toEqual(strip(records))
        const pending = records.reduce((s, r) => s + r.overdue + r.open, 0)
        judged += pending
        if (!filter.branch && !filter.office && !filter.form && !narrowing.topic && pending > unanswered) notYetAnswered++
      }
    // some moments fell before answers given later (the rollup had counted them)
    expect(notYetAnswered).toBeGreaterThan(0)
    // unanswered appeals (or not yet answered at the moment) were judged, overdue or open by it
    expect(judged).toBeGreaterThan(0)
  })
})

describe('the norms follow every filter of the view (issue 16)', () => {
  it('an office narrows the visit norms; the call norms, which have no office, say so instead of an unfiltered value', async () => {
    const db = t.database.db
    // the sample appeals' terms end in March and April
    const spring = periodOf('2025-03-01', '2025-04-30', MSK)
    const byCode = async (filter: Parameters<typeof cockpitNorms>[6], narrowing: Parameters<typeof cockpitNorms>[7] = {}) =>
      Object.fromEntries((await cockpitNorms(db, all(), spring, february, spring.end, MSK, filter, narrowing)).map((n) => [n.code, n]))
    // ЦОП-01: waits of 7 and 38 minutes (and a no-show); ПОП-02: one of a minute
    const central = await byCode({ office: 'ЦОП-01' })
    expect(central.network_visit_wait!.current).toMatchObject({ judged: 2, violations: 1, share: 0.5, verdict: 'broken' })
    expect(central.network_visit_wait!.unfollowed).toBeNull()
    expect(central.network_visit_wait!.filterQuery).toBe(`&office=${encodeURIComponent('ЦОП-01')}`)
    expect(central.supplier_call_pickup!.unfollowed).toBe('Не считается при фильтре «Офис»: у звонков нет такого признака.')
    expect(central.supplier_call_pickup!.current).toMatchObject({ judged: 0, share: null, verdict: 'no_data' })
    const small = await byCode({ office: 'ПОП-02' })
    expect(small.network_visit_wait!.current).toMatchObject({ judged: 1, violations: 0, verdict: 'met' })
    // a form: appeals follow it (the forms' counts add up to the whole), visits cannot
    const whole = await byCode({})
    const byForm = await Promise.all(['in_person', 'phone', 'internet', 'post'].map((form) => byCode({ form })))
    const appealRules = Object.values(whole).filter((n) => n.domain === 'appeals' && n.current.judged > 0)
    expect(appealRules.length).toBeGreaterThan(0)
    for (const rule of appealRules) {
      expect(
        byForm.reduce((sum, f) => sum + f[rule.code]!.current.judged, 0),
        rule.code,
      ).toBe(rule.current.judged)
      expect(
        byForm.some((f) => f[rule.code]!.current.judged < rule.current.judged),
        rule.code,
      ).toBe(true)
    }
    expect(byForm[3]!.network_visit_wait!.unfollowed).toBe('Не считается при фильтре «Форма обслуживания»: у посещений офисов нет такого признака.')
    // a line narrows the call norms and not the visits
    const line = (await db.selectFrom('call').select('line').where('line', 'is not', null).executeTakeFirstOrThrow()).line!
    const onLine = await byCode({}, { line })
    expect(onLine.supplier_call_pickup!.unfollowed).toBeNull()
    expect(onLine.supplier_call_pickup!.current.judged).toBeLessThanOrEqual(whole.supplier_call_pickup!.current.judged)
    expect(onLine.network_visit_wait!.unfollowed).toMatch(/«Линия»/)
  })
})

describe('calls by hour and weekday', () => {
  it('service level and abandoned share per local hour and weekday, by the dashboard formulas', async () => {
    // a short abandon (3 s) on Saturday 15.03 at 10:00 Moscow: offered, but outside both shares' bases
    await sql`insert into call (org_id, call_id, direction, line, started_at, ended_at) values
      (${world.org.id}, 'hand-1', 'in', 'Горячая линия', '2025-03-15T07:00:00Z', '2025-03-15T07:00:03Z')`.execute(t.database.db)
    const { params } = await refreshRollups(t.database, world.org.id)
    const r = await callsByTime(t.database.db, { scope: all(), period: march, filter: {}, narrowing: {}, asOf: march.end, zone: MSK, params })
    // Friday 14.03 09:00 answered after 12 s (within 20 s), 09:01 abandoned after 70 s; 23:40 answered after 5 s
    expect(r.byHour[9]).toEqual({ hour: 9, offered: 2, abandoned: 1, serviceLevel: 0.5, abandonedShare: 0.5 })
    expect(r.byHour[23]).toEqual({ hour: 23, offered: 1, abandoned: 0, serviceLevel: 1, abandonedShare: 0 })
    expect(r.byHour[10]).toEqual({ hour: 10, offered: 1, abandoned: 0, serviceLevel: null, abandonedShare: null })
    expect(r.byHour[3]).toEqual({ hour: 3, offered: 0, abandoned: 0, serviceLevel: null, abandonedShare: null })
    expect(r.byWeekday[4]).toEqual({ weekday: 5, offered: 3, abandoned: 1, serviceLevel: 2 / 3, abandonedShare: 1 / 3 })
    expect(r.byWeekday[5]).toMatchObject({ weekday: 6, offered: 1, serviceLevel: null })
    // the outbound call of 15.03 is not an offered call
    expect(r.byWeekday.reduce((s, d) => s + d.offered, 0)).toBe(4)
    // a branch user sees no calls (calls carry no branch)
    const branch = (await t.database.db.selectFrom('branch').select('id').executeTakeFirstOrThrow()).id
    const scoped = await callsByTime(t.database.db, {
      scope: { orgId: world.org.id, branches: [branch] },
      period: march,
      filter: {},
      narrowing: {},
      asOf: march.end,
      zone: MSK,
      params,
    })
    expect(scoped.byWeekday.reduce((s, d) => s + d.offered, 0)).toBe(0)
  })

  it('the hourly rollup gives what the call records give, for every filter of the view', async () => {
    // a call without a known wait (Asterisk CDR), one closed as «нет окончания», one on another line at night
    await sql`insert into call (org_id, call_id, direction, line, started_at, answered_at, ended_at, wait_known, no_ending, category) values
      (${world.org.id}, 'cdr-1', 'in', 'Горячая линия', '2025-03-14T07:30:00Z', '2025-03-14T07:30:05Z', '2025-03-14T07:31:00Z', false, false, '1.1'),
      (${world.org.id}, 'open-1', 'in', 'Горячая линия', '2025-03-14T07:40:00Z', null, '2025-03-14T07:40:00Z', true, true, null),
      (${world.org.id}, 'night-1', 'in', 'Аварийная', '2025-03-16T21:10:00Z', null, '2025-03-16T21:10:30Z', true, false, '2')`.execute(t.database.db)
    const { params } = await refreshRollups(t.database, world.org.id)
    const branch = (await t.database.db.selectFrom('branch').select('id').executeTakeFirstOrThrow()).id
    const scopes = [all(), { orgId: world.org.id, branches: [branch] }]
    const filters = [{}, { branch }]
    const narrowings = [{}, { line: 'Горячая линия' }, { line: 'none' }, { category: '1.1' }, { direction: 'in' as const }]
    let compared = 0
    for (const scope of scopes)
      for (const filter of filters)
        for (const narrowing of narrowings)
          for (const period of [march, february]) {
            const ctx = { scope, period, filter, narrowing, asOf: march.end, zone: MSK, params }
            expect(await callsByTime(t.database.db, ctx)).toEqual(await callsByTime(t.database.db, ctx, true))
            compared++
          }
    expect(compared).toBe(40)
    const r = await callsByTime(t.database.db, { scope: all(), period: march, filter: {}, narrowing: {}, asOf: march.end, zone: MSK, params })
    expect(r.byHour[0]).toMatchObject({ offered: 1, abandoned: 1 }) // 17.03 00:10 Moscow, on «Аварийная»
  })
})

describe('what to look at today', () => {
  it('yesterday’s lost calls, overdue and at-risk appeals, the week’s failed imports', async () => {
    await refreshRollups(t.database, world.org.id)
    const now = new Date('2025-03-15T09:00:00Z') // 12:00 Moscow, Saturday
    await t.database.db
      .insertInto('import_batch')
      .values([
        {
          org_id: world.org.id,
          kind: 'calls',
          file_name: 'сломанный.csv',
          status: 'failed',
          message: 'Строка 2: нет даты',
          started_at: new Date('2025-03-14T10:00:00Z'),
        },
        { org_id: world.org.id, kind: 'calls', file_name: 'старый.csv', status: 'failed', started_at: new Date('2025-03-01T10:00:00Z') },
      ])
      .execute()
    const day = await todayItems(t.database.db, all(), MSK, now, new Date('2025-03-20T21:00:00Z'))
    expect(day.yesterday).toBe('2025-03-14')
    expect(day.today).toBe('2025-03-15')
    // 14.03: three offered calls, one abandoned after 70 s
    expect({ offered: day.offeredYesterday, lost: day.lostYesterday }).toEqual({ offered: 3, lost: 1 })
    expect(day.failedImports.map((f) => [f.fileName, f.status])).toEqual([['сломанный.csv', 'failed']])
    expect(day.overdue).toBe(0)
    // in December the unanswered appeal О-2025-0002 is long past its term
    const later = await todayItems(t.database.db, all(), MSK, new Date('2025-12-01T09:00:00Z'), new Date('2025-12-04T21:00:00Z'))
    expect(later.overdue).toBe(1)
    expect(later.offeredYesterday).toBe(0)
  })
})

describe('saved views', () => {
  it('are a user’s own, named, and keep only the filter keys', async () => {
    const users = await t.database.db
      .insertInto('app_user')
      .values([
        { org_id: world.org.id, login: 'one', full_name: 'Первый' },
        { org_id: world.org.id, login: 'two', full_name: 'Второй' },
      ])
      .returning('id')
      .execute()
    const [one, two] = users.map((u) => u.id) as [string, string]
    const v = await saveView(t.database.db, one, 'dashboard', '  Север,  квартал ', 'period=quarter&year=2025&quarter=2&branch=7&evil=<x>&metric=calls.offered')
    expect(v).toMatchObject({ name: 'Север, квартал', query: 'period=quarter&year=2025&quarter=2&branch=7' })
    // the same name again replaces the filters
    await saveView(t.database.db, one, 'dashboard', 'Север, квартал', 'period=year&year=2025')
    expect((await listSavedViews(t.database.db, one)).map((x) => [x.name, x.query])).toEqual([['Север, квартал', 'period=year&year=2025']])
    expect(await listSavedViews(t.database.db, two)).toEqual([])
    await expect(saveView(t.database.db, one, 'dashboard', '   ', 'period=year')).rejects.toThrow('Укажите название вида')
    // another user cannot delete it
    await deleteView(t.database.db, two, v.id)
    expect(await listSavedViews(t.database.db, one)).toHaveLength(1)
    await deleteView(t.database.db, one, v.id)
    expect(await listSavedViews(t.database.db, one)).toEqual([])
  })
})
