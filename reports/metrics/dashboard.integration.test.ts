/**
 * Every dashboard figure on a hand-made month (March 2025, Moscow) with exact values: rows on both sides
 * of the local period boundaries, another organisation's rows, a branch scope. And each count figure equals
 * the number of records its drill-down lists.
 */
import { sql } from 'kysely'
import { type TestWorld, resetWorld, useTestDatabase } from '#test/setup/database.ts'
import { updateOrganisation } from '#app/models/organisation.server.ts'
import type { Scope } from '#db/scope.server.ts'
import { DOMAIN_METRICS, appealSums, callSums, dueSums, figuresOf, totalOf, visitSums } from './dashboard.server.ts'
import { REGISTERS, type RecordContext, domainOf, listRecords, recordWhere, registerTotal } from './records.server.ts'
import { loadRollupParams, refreshRollups } from './rollups.server.ts'
import { type MetricId, type RegisterMetricId, countOf, metricCatalog } from './catalog.ts'
import { dashboardWorkbook, registerWorkbook } from './exports.server.ts'
import { allRecords } from './records.server.ts'
import { buildDashboard } from './dashboard-view.server.ts'
import ExcelJS from 'exceljs'
import { buffer } from 'node:stream/consumers'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { readView } from './view.ts'
import { hasPoppler, pdfPageCount, pdfPageText } from '#test/setup/pdf.ts'

const t = useTestDatabase()
let world: TestWorld
let branchA: string
let otherOrg: string

const at = (text: string) => new Date(text)
const plus = (text: string, seconds: number) => new Date(at(text).getTime() + seconds * 1000)
const ASOF = at('2025-04-10T12:00:00+03:00')

async function seed() {
  const db = t.database.db
  await updateOrganisation(db, world.org.id, { regime: 'network' })
  otherOrg = (await db.insertInto('organisation').values({ name: 'Чужая организация' }).returning('id').executeTakeFirstOrThrow()).id
  branchA = (await db.insertInto('branch').values({ org_id: world.org.id, name: 'Филиал А' }).returning('id').executeTakeFirstOrThrow()).id
  const branchB = (await db.insertInto('branch').values({ org_id: world.org.id, name: 'Филиал Б' }).returning('id').executeTakeFirstOrThrow()).id
  await db
    .insertInto('office')
    .values([
      { org_id: world.org.id, office_code: 'O1', name: 'Офис 1', branch_id: branchA },
      { org_id: world.org.id, office_code: 'O2', name: 'Офис 2', branch_id: branchB },
    ])
    .execute()
  const appeal = (reg: string, received: string, form: string, topic: string, extra: Record<string, unknown> = {}) => ({
    org_id: world.org.id,
    reg_number: reg,
    received_at: at(received),
    form,
    topic,
    ...extra,
  })
  await db
    .insertInto('appeal')
    .values([
      appeal('a1', '2025-02-28T23:30:00+03:00', 'post', 'other'),
      // 00:00 on 1 March Moscow is still 28 February in UTC
      appeal('a2', '2025-03-01T00:00:00+03:00', 'post', 'transmission', {
        complaint_topic: 'power_quality',
        branch_id: branchA,
        office_code: 'O1',
        consumer_type: 'individual',
        due_at: at('2025-04-01T00:00:00+03:00'),
        answered_at: at('2025-03-20T10:00:00+03:00'),
      }),
      // due at 24:00 on 31 March, not answered
      appeal('a3', '2025-03-31T23:59:00+03:00', 'internet', 'connection', {
        request_type: 'connection',
        branch_id: branchB,
        consumer_type: 'legal',
        due_at: at('2025-04-01T00:00:00+03:00'),
      }),
      appeal('a4', '2025-04-01T00:00:00+03:00', 'phone', 'other', { due_at: at('2025-04-01T04:00:00+03:00') }),
      appeal('a5', '2025-03-10T12:00:00+03:00', 'in_person', 'metering', {
        branch_id: branchA,
        office_code: 'O1',
        consumer_type: 'individual',
        due_at: at('2025-03-16T00:00:00+03:00'),
        answered_at: at('2025-03-17T09:00:00+03:00'),
      }),
      appeal('a6', '2025-03-05T12:00:00+03:00', 'phone', 'service', { branch_id: branchA, due_at: at('2025-04-11T00:00:00+03:00') }),
      appeal('a8', '2024-03-15T12:00:00+03:00', 'post', 'transmission', {
        due_at: at('2024-03-21T00:00:00+03:00'),
        answered_at: at('2024-03-18T12:00:00+03:00'),
      }),
      {
        org_id: otherOrg,
        reg_number: 'x1',
        received_at: at('2025-03-10T12:00:00+03:00'),
        form: 'post',
        topic: 'other',
        due_at: at('2025-03-20T00:00:00+03:00'),
      },
    ])
    .execute()
  const call = (id: string, direction: 'in' | 'out', started: string, answerAfter: number | null, endAfter: number, extra: Record<string, unknown> = {}) => ({
    org_id: world.org.id,
    call_id: id,
    direction,
    line: 'L1',
    started_at: at(started),
    answered_at: answerAfter === null ? null : plus(started, answerAfter),
    ended_at: plus(started, endAfter),
    ...extra,
  })
  await db
    .insertInto('call')
    .values([
      call('c1', 'in', '2025-03-01T00:00:00+03:00', 10, 70),
      call('c2', 'in', '2025-03-02T10:00:00+03:00', 30, 90, { category: '4.1' }),
      call('c3', 'in', '2025-03-03T10:00:00+03:00', null, 3),
      call('c4', 'in', '2025-03-04T10:00:00+03:00', null, 60, { line: 'L2' }),
      call('c5', 'in', '2025-03-31T23:59:59+03:00', 5, 65, {
        line: 'L2',
        callback_required: true,
        callback_at: plus('2025-03-31T23:59:59+03:00', 65 + 3 * 3600),
      }),
      call('c6', 'out', '2025-03-05T10:00:00+03:00', 4, 30),
      call('c7', 'in', '2025-02-28T23:59:59+03:00', 1, 30),
      call('c8', 'in', '2025-03-06T10:00:00+03:00', 2, 62, {
        category: '4.1',
        callback_required: true,
        callback_at: plus('2025-03-06T10:00:00+03:00', 62 + 5 * 3600),
      }),
      { ...call('x2', 'in', '2025-03-06T10:00:00+03:00', 2, 62), org_id: otherOrg },
    ])
    .execute()
  const visit = (id: string, office: string, kind: string, issued: string, callAfter: number | null, serviceSeconds: number | null, branch: string) => ({
    org_id: world.org.id,
    ticket_id: id,
    office_code: office,
    service_kind: kind,
    branch_id: branch,
    issued_at: at(issued),
    called_at: callAfter === null ? null : plus(issued, callAfter),
    service_ended_at: callAfter === null || serviceSeconds === null ? null : plus(issued, callAfter + serviceSeconds),
  })
  await db
    .insertInto('visit')
    .values([
      visit('v1', 'O1', 'consultation', '2025-03-03T09:00:00+03:00', 300, 600, branchA),
      visit('v2', 'O1', 'consultation', '2025-03-03T09:10:00+03:00', 2400, 600, branchA),
      visit('v3', 'O1', 'cashier', '2025-03-04T10:00:00+03:00', null, null, branchA),
      visit('v4', 'O2', 'consultation', '2025-03-05T10:00:00+03:00', 600, 1200, branchB),
      visit('v5', 'O2', 'consultation', '2025-04-01T00:00:00+03:00', 60, 60, branchB),
    ])
    .execute()
  await refreshRollups(t.database, world.org.id)
}

beforeEach(async () => {
  world = await resetWorld(t.database)
  await seed()
})

const march = (zone = 'Europe/Moscow', query = 'period=month&year=2025&month=3') => readView(new URLSearchParams(query), zone, 2025)
const all = (): Scope => ({ orgId: world.org.id, branches: 'all' })

async function dashboardFigures(scope: Scope, view = march(), asOf = ASOF) {
  const db = t.database.db
  const zone = world.org.time_zone
  return {
    ...figuresOf('appeals', totalOf('appeals', await appealSums(db, scope, view.period, view.filter))),
    ...figuresOf('due', totalOf('due', await dueSums(db, scope, view.period, view.filter, asOf, zone))),
    ...figuresOf('calls', totalOf('calls', await callSums(db, scope, view.period, view.filter))),
    ...figuresOf('visits', totalOf('visits', await visitSums(db, scope, view.period, view.filter, 'office'))),
  }
}

describe('dashboard figures on a hand-made March', () => {
  it('appeals: received by local day, complaints, requests, deadlines as of a moment', async () => {
    const f = await dashboardFigures(all())
    expect(f).toMatchObject({
      'appeals.received': 4, // a2, a3, a5, a6 — not a1 (28 Feb 23:30), a4 (1 Apr 00:00), nor the other organisation's
      'appeals.complaints': 1,
      'appeals.requests': 1,
      'appeals.due_in_period': 3, // a2 and a3 at 24:00 on 31 March, a5 on 15 March
      'appeals.on_time': 1,
      'appeals.late': 1,
      'appeals.overdue': 1,
      'appeals.open': 0,
      'appeals.on_time_share': 1 / 3,
    })
  })

  it('an unanswered appeal is open until the end of its last day, overdue right after', async () => {
    const at = async (moment: string) => {
      const f = await dashboardFigures(all(), march(), new Date(moment))
      return [f['appeals.overdue'], f['appeals.open']]
    }
    expect(await at('2025-03-31T23:59:59+03:00')).toEqual([0, 1])
    expect(await at('2025-04-01T00:00:00+03:00')).toEqual([0, 1])
    expect(await at('2025-04-01T00:00:01+03:00')).toEqual([1, 0])
    expect(await at('2025-04-03T00:00:01+03:00')).toEqual([1, 0])
  })

  it('phone lines: offered, answered, short and real abandons, service level, means, callbacks', async () => {
    const f = await dashboardFigures(all())
    expect(f).toMatchObject({
      'calls.offered': 6,
      'calls.answered': 4,
      'calls.abandoned': 1,
      'calls.short_abandoned': 1,
      'calls.abandoned_share': 0.2,
      'calls.answered_in_sl': 3, // within the default 20 s: the network preset has no pickup rule
      'calls.service_level': 0.6,
      'calls.mean_wait': 11.75,
      'calls.mean_handling': 60,
      'calls.outbound': 1,
      'calls.callbacks_promised': 2,
      'calls.callbacks_in_time': 1, // 3 h; the other took 5 h against the 4-hour rule
      'calls.callbacks_in_time_share': 0.5,
    })
  })

  it('thresholds are settings: a change rebuilds the figures', async () => {
    await sql`update organisation set short_abandon_seconds = 0, service_level_seconds = 30 where id = ${world.org.id}`.execute(t.database.db)
    await refreshRollups(t.database, world.org.id)
    expect(await dashboardFigures(all())).toMatchObject({
      'calls.short_abandoned': 0,
      'calls.abandoned': 2,
      'calls.answered_in_sl': 4,
      'calls.service_level': 4 / 6,
    })
  })

  it('offices: visits, no-shows, means, 90th percentiles, share within the wait norm', async () => {
    const f = await dashboardFigures(all())
    expect(f).toMatchObject({
      'visits.total': 4,
      'visits.served': 3,
      'visits.no_shows': 1,
      'visits.mean_wait': 1100,
      'visits.mean_service': 800,
      'visits.within_wait_norm': 2, // 30 minutes
      'visits.within_wait_norm_share': 2 / 3,
    })
    // waits 5, 10 and 40 min: rank 2.7 falls in the 40–45 min step → 40 min + 0.7 × 5 min
    expect(f['visits.p90_wait']).toBeCloseTo(2610, 6)
    // services 10, 10, 20 min: rank 2.7 in the 20–21 min step
    expect(f['visits.p90_service']).toBeCloseTo(1242, 6)
  })

  it('a branch sees its own rows; calls without a branch only organisation-wide', async () => {
    const f = await dashboardFigures({ orgId: world.org.id, branches: [branchA] })
    expect(f).toMatchObject({
      'appeals.received': 3,
      'appeals.due_in_period': 2,
      'appeals.on_time_share': 0.5,
      'calls.offered': 0,
      'visits.total': 3,
      'visits.mean_wait': 1350,
    })
    expect(await dashboardFigures({ orgId: world.org.id, branches: [] })).toMatchObject({ 'appeals.received': 0, 'visits.total': 0 })
  })

  it('filters: form, office, consumer type', async () => {
    const f = await dashboardFigures(all(), march('Europe/Moscow', 'period=month&year=2025&month=3&form=post'))
    expect(f).toMatchObject({ 'appeals.received': 1, 'appeals.complaints': 1, 'appeals.due_in_period': 1 })
    const office = await dashboardFigures(all(), march('Europe/Moscow', 'period=month&year=2025&month=3&office=O1&consumerType=individual'))
    expect(office).toMatchObject({ 'appeals.received': 2, 'visits.total': 0 }) // the visits have no consumer type
  })

  it('the year before: the same days of 2024', async () => {
    const view = march()
    expect(view.previous.from).toBe('2024-03-01')
    const f = await dashboardFigures(all(), readView(new URLSearchParams('period=month&year=2024&month=3'), 'Europe/Moscow', 2025))
    expect(f).toMatchObject({ 'appeals.received': 1, 'appeals.on_time': 1, 'calls.offered': 0 })
  })

  it('a new time zone rebuilds the days: 1:30 on 1 March in Yekaterinburg is March', async () => {
    await updateOrganisation(t.database.db, world.org.id, { timeZone: 'Asia/Yekaterinburg' })
    world.org = { ...world.org, time_zone: 'Asia/Yekaterinburg' }
    await refreshRollups(t.database, world.org.id)
    const f = await dashboardFigures(all(), march('Asia/Yekaterinburg'))
    // a1 (28 Feb 23:30 Moscow) and c7 (28 Feb 23:59:59 Moscow) move into March; a3 (31 Mar 23:59 Moscow) and c5 move out
    expect(f).toMatchObject({ 'appeals.received': 4, 'calls.offered': 6 })
  })

  it('an import, an edit or a deletion updates only the days it touched', async () => {
    const db = t.database.db
    await db
      .updateTable('appeal')
      .set({ received_at: at('2025-04-02T10:00:00+03:00') })
      .where('reg_number', '=', 'a6')
      .execute()
    await db.deleteFrom('call').where('call_id', '=', 'c4').execute()
    const { refreshed } = await refreshRollups(t.database, world.org.id)
    expect(refreshed.map((r) => [r.kind, r.mode, r.from, r.to])).toEqual([
      ['appeals', 'days', '2025-03-05', '2025-04-02'],
      ['appeal_due', 'days', '2025-04-10', '2025-04-10'],
      ['calls', 'days', '2025-03-04', '2025-03-04'],
    ])
    expect(await dashboardFigures(all())).toMatchObject({ 'appeals.received': 3, 'calls.offered': 5, 'calls.abandoned': 0 })
  })
})

describe('every figure opens exactly the records it counts', () => {
  // every figure with a register — counts, shares and means — from its catalog entry; survey figures open
  // the survey results, not a register (surveys.integration.test.ts), norms the deadlines pages
  const registerMetrics = (Object.keys(metricCatalog) as MetricId[]).filter((id): id is RegisterMetricId => metricCatalog[id].records.register !== null)
  // the register column a mean is taken over (line means are over queue legs, p90s over a histogram)
  const MEAN_OVER: Partial<Record<RegisterMetricId, string>> = {
    'calls.mean_wait': 'wait',
    'calls.mean_handling': 'handling',
    'visits.mean_wait': 'wait',
    'visits.mean_service': 'service',
  }

  it('lists every figure with a register', () => {
    expect(registerMetrics).toHaveLength(DOMAIN_METRICS.appeals.length + DOMAIN_METRICS.due.length + DOMAIN_METRICS.calls.length + DOMAIN_METRICS.visits.length)
  })

  it.each(registerMetrics)('%s', async (metric) => {
    const db = t.database.db
    const view = march()
    const params = await loadRollupParams(t.database.db, world.org.id)
    const register = REGISTERS[domainOf(metric)]
    const count = countOf(metric)
    for (const scope of [all(), { orgId: world.org.id, branches: [branchA] }]) {
      const ctx: RecordContext = { scope, period: view.period, filter: view.filter, narrowing: {}, metric, asOf: ASOF, zone: world.org.time_zone, params }
      const counted = Number(
        (await sql<{ n: string }>`select count(*) as n from ${sql.table(register.table)} r where ${recordWhere(register, ctx)}`.execute(db)).rows[0]!.n,
      )
      const listed = await listRecords(db, register, ctx, { sort: register.defaultSort, dir: 'asc', page: 1, size: 1000 })
      const figures = await dashboardFigures(scope)
      // the records are what the count figure counts (for a share: its numerator; for a mean: what it is taken over)
      if (count !== 'counted') expect(counted).toBe(figures[count])
      expect(listed.length).toBe(counted)
      expect(await registerTotal(db, register, ctx)).toBe(counted)
      const column = MEAN_OVER[metric]
      if (column) {
        const values = listed.map((r) => Number(r[column]))
        if (values.length) expect(figures[metric]).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 6)
        else expect(figures[metric]).toBeNull()
      }
    }
  })
})

describe('a register as XLSX', () => {
  it('streams every record, continues on a new sheet past the limit, keeps formulas as text, masks by role', async () => {
    const db = t.database.db
    await db.updateTable('appeal').set({ channel: '=HYPERLINK("http://x","y")', applicant_name: 'Иванов Иван' }).where('reg_number', '=', 'a2').execute()
    const view = march()
    const params = await loadRollupParams(t.database.db, world.org.id)
    const records: RecordContext = { scope: all(), period: view.period, filter: view.filter, narrowing: {}, asOf: ASOF, zone: world.org.time_zone, params }
    const read = async (personalData: boolean) => {
      const bytes = await buffer(registerWorkbook(db, { register: REGISTERS.appeals, records, personalData, about: [['Отчёт', 'тест']], sheetRows: 3 }))
      const book = new ExcelJS.Workbook()
      await book.xlsx.load(bytes as unknown as ArrayBuffer)
      return book
    }
    const book = await read(false)
    const sheets = book.worksheets.map((w) => w.name)
    expect(sheets).toEqual(['Записи', 'Записи (2)', 'Определения', 'О файле'])
    const rows = book.worksheets.slice(0, 2).flatMap((w) =>
      w
        .getSheetValues()
        .slice(2)
        .map((r) => (r as unknown[])[1]),
    )
    expect(rows.sort()).toEqual(['a2', 'a3', 'a5', 'a6'])
    const a2 = book.worksheets
      .slice(0, 2)
      .flatMap((w) => w.getRows(2, w.rowCount - 1) ?? [])
      .find((r) => r.getCell(1).value === 'a2')!
    const header = book.getWorksheet('Записи')!.getRow(1).values as unknown[]
    // a text cell, never a formula, and the value as it was (reports/export/formula.ts)
    const channel = a2.getCell(header.indexOf('Канал'))
    expect([channel.type, channel.value]).toEqual([ExcelJS.ValueType.String, '=HYPERLINK("http://x","y")'])
    expect(a2.getCell(header.indexOf('Заявитель')).value).toBe('И••••••••ан')
    // 00:00 on 1 March in Moscow, as the wall-clock time of the cell
    expect((a2.getCell(header.indexOf('Поступило')).value as Date).toISOString()).toBe('2025-03-01T00:00:00.000Z')
    const about = Object.fromEntries(
      book
        .getWorksheet('О файле')!
        .getSheetValues()
        .slice(2)
        .map((r) => [(r as string[])[1], (r as string[])[2]]),
    )
    expect(about['Записей в файле']).toBe('4')
    const open = await read(true)
    const row = open.worksheets
      .slice(0, 2)
      .flatMap((w) => w.getRows(2, w.rowCount - 1) ?? [])
      .find((r) => r.getCell(1).value === 'a2')!
    expect(row.getCell(header.indexOf('Заявитель')).value).toBe('Иванов Иван')
  })
})

describe('a register file equals its screen (issue 16)', () => {
  it('same records in the same order for each sort and direction, across keyset pages; phone cells are exactly the numbers', async () => {
    const db = t.database.db
    await db.updateTable('appeal').set({ phone: '+7 936 123-45-67' }).where('reg_number', '=', 'a2').execute()
    await db.updateTable('appeal').set({ phone: '+79361234568' }).where('reg_number', '=', 'a5').execute()
    const view = march()
    const params = await loadRollupParams(t.database.db, world.org.id)
    const records: RecordContext = { scope: all(), period: view.period, filter: view.filter, narrowing: {}, asOf: ASOF, zone: world.org.time_zone, params }
    const register = REGISTERS.appeals
    const header = register.columns.map((c) => c.label)
    for (const sort of register.columns.filter((c) => c.sort).map((c) => c.id)) {
      for (const dir of ['asc', 'desc'] as const) {
        const screen = (await listRecords(db, register, records, { sort, dir, page: 1, size: 100 })).map((r) => r.reg_number)
        const pages: string[] = []
        for await (const page of allRecords(db, register, records, 1, { sort, dir })) pages.push(...page.map((r) => String(r.reg_number)))
        expect(pages, `${sort} ${dir}`).toEqual(screen)
        const bytes = await buffer(registerWorkbook(db, { register, records, personalData: true, about: [['Отчёт', 'тест']], order: { sort, dir } }))
        const book = new ExcelJS.Workbook()
        await book.xlsx.load(bytes as unknown as ArrayBuffer)
        const sheet = book.getWorksheet('Записи')!
        const inFile = (sheet.getSheetValues().slice(2) as unknown[][]).map((r) => r[header.indexOf('Рег. номер') + 1])
        expect(inFile, `${sort} ${dir}`).toEqual(screen)
        if (sort === 'received_at' && dir === 'desc') {
          expect(screen).toEqual(['a3', 'a5', 'a6', 'a2']) // newest first, as the screen opens
          const phones = (sheet.getSheetValues().slice(2) as unknown[][]).map((r) => r[header.indexOf('Телефон') + 1] ?? null)
          expect(phones).toEqual([null, '+79361234568', null, '+7 936 123-45-67'])
        }
      }
    }
  })
})

describe('register sorting (issue 16)', () => {
  it('by office, branch, term and form, empty values last, ties by the record id, codes by their Russian label', async () => {
    const db = t.database.db
    const view = march()
    const params = await loadRollupParams(t.database.db, world.org.id)
    const records: RecordContext = { scope: all(), period: view.period, filter: view.filter, narrowing: {}, asOf: ASOF, zone: world.org.time_zone, params }
    const order = async (sort: string, dir: 'asc' | 'desc') =>
      (await listRecords(db, REGISTERS.appeals, records, { sort, dir, page: 1, size: 25 })).map((r) => r.reg_number)
    // a2 and a5 in «Офис 1», a3 and a6 without an office
    expect(await order('office', 'asc')).toEqual(['a2', 'a5', 'a3', 'a6'])
    expect(await order('office', 'desc')).toEqual(['a5', 'a2', 'a6', 'a3'])
    expect(await order('branch', 'asc')).toEqual(['a2', 'a5', 'a6', 'a3'])
    expect(await order('due_at', 'asc')).toEqual(['a5', 'a2', 'a3', 'a6'])
    // «интернет» < «очная» < «почта» < «телефон» (the stored codes would give in_person, internet, phone, post)
    expect(await order('form', 'asc')).toEqual(['a3', 'a5', 'a2', 'a6'])
    expect(await order('answered_at', 'asc')).toEqual(['a5', 'a2', 'a3', 'a6'])
    // a page of one: the id breaks the tie between a2 and a5, so page 2 is a5 whatever the plan
    expect((await listRecords(db, REGISTERS.appeals, records, { sort: 'office', dir: 'asc', page: 2, size: 1 })).map((r) => r.reg_number)).toEqual(['a5'])
    // personal data is never an order
    expect(REGISTERS.appeals.columns.filter((c) => c.personal && c.sort)).toEqual([])
  })
})

describe("consumers' scores on the dashboard", () => {
  it('beside the service figures of the same form and office, with the filters, on the screen and in the file', async () => {
    const db = t.database.db
    const survey = await db
      .insertInto('survey')
      .values({
        org_id: world.org.id,
        title: 'Опрос',
        subject_kind: 'organisation',
        opens_on: '2025-01-01',
        questions: JSON.stringify([{ id: 'q1', kind: 'csat', text: 'Оценка', required: true }]),
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const respond = async (when: string, csat: number, dims: { office_code?: string; form?: string; branch_id?: string }) => {
      const r = await db
        .insertInto('survey_response')
        .values({ org_id: world.org.id, survey_id: survey.id, collected_by: 'qr', submitted_at: at(when), ...dims })
        .returning('id')
        .executeTakeFirstOrThrow()
      await db.insertInto('survey_answer').values({ response_id: r.id, question_id: 'q1', kind: 'csat', score: csat }).execute()
    }
    await respond('2025-03-03T10:00:00+03:00', 5, { office_code: 'O1', form: 'in_person', branch_id: branchA })
    await respond('2025-03-04T10:00:00+03:00', 2, { office_code: 'O1', form: 'in_person', branch_id: branchA })
    await respond('2025-03-05T10:00:00+03:00', 4, { form: 'phone' })
    // 1 April in Moscow: outside March
    await respond('2025-04-01T00:00:00+03:00', 1, { form: 'phone' })
    // the answers marked their days: the rollup picks them up
    const { params, refreshed } = await refreshRollups(t.database, world.org.id)
    expect(refreshed).toContainEqual({ kind: 'surveys', mode: 'days', from: '2025-03-03', to: '2025-04-01' })
    const offices = new Map([
      ['O1', 'Офис 1'],
      ['O2', 'Офис 2'],
    ])
    const data = await buildDashboard(db, all(), march(), ASOF, params, offices)
    expect(data.surveys.current).toMatchObject({ 'surveys.responses': 3, 'surveys.csat': 2 / 3, 'surveys.csat_mean': 11 / 3 })
    const byForm = Object.fromEntries(data.surveys.byForm.map((r) => [r.link.form, r.figures]))
    // the in-person form: one appeal received (a5) and two answers, half satisfied
    expect(byForm.in_person).toMatchObject({ 'appeals.received': 1, 'surveys.responses': 2, 'surveys.csat': 0.5 })
    expect(byForm.phone).toMatchObject({ 'surveys.responses': 1, 'surveys.csat': 1 })
    const byOffice = Object.fromEntries(data.surveys.byOffice.map((r) => [r.label, r.figures]))
    // office 1: three tickets in March, a mean wait of (300 + 2400) / 2 s, two answers
    expect(byOffice['Офис 1']).toMatchObject({ 'visits.total': 3, 'visits.mean_wait': 1350, 'surveys.responses': 2, 'surveys.csat': 0.5 })
    expect(byOffice['Офис 2']).toMatchObject({ 'visits.total': 1, 'surveys.responses': 0, 'surveys.csat': null })
    const phoneOnly = await buildDashboard(db, all(), march('Europe/Moscow', 'period=month&year=2025&month=3&form=phone'), ASOF, params, offices)
    expect(phoneOnly.surveys.current['surveys.responses']).toBe(1)
    const branchOnly = await buildDashboard(db, { orgId: world.org.id, branches: [branchA] }, march(), ASOF, params, offices)
    expect(branchOnly.surveys.current['surveys.responses']).toBe(2)

    const book = new ExcelJS.Workbook()
    await book.xlsx.load((await buffer(dashboardWorkbook(data, [['Отчёт', 'тест']]))) as unknown as ArrayBuffer)
    const sheet = book.getWorksheet('Оценки по офисам')!
    const header = sheet.getRow(1).values as unknown[]
    const office1 = sheet.getRows(2, sheet.rowCount - 1)!.find((r) => r.getCell(1).value === 'Офис 1')!
    expect(office1.getCell(header.indexOf('Удовлетворённость (CSAT)')).value).toBe(0.5)
    expect(office1.getCell(header.indexOf('Получено анкет')).value).toBe(2)
    const tiles = book
      .getWorksheet('Показатели')!
      .getSheetValues()
      .slice(2)
      .map((r) => (r as unknown[]).slice(1, 4))
    expect(tiles).toContainEqual(['Опросы', 'Получено анкет', 3])
    const definitions = book
      .getWorksheet('Определения')!
      .getSheetValues()
      .slice(2)
      .map((r) => (r as unknown[])[1])
    expect(definitions).toContain(metricCatalog['surveys.csat'].label)
    expect(definitions).not.toContain('surveys.csat')
  })
})

describe('printed', () => {
  const soffice = process.env.SQ_SOFFICE
  it.skipIf(!soffice || !hasPoppler)(
    'LibreOffice prints the dashboard file and a register sheet by sheet, each one page wide (labels and values together), with page numbers',
    async () => {
      const db = t.database.db
      const { params } = await refreshRollups(t.database, world.org.id)
      const data = await buildDashboard(
        db,
        all(),
        march(),
        ASOF,
        params,
        new Map([
          ['O1', 'Офис 1'],
          ['O2', 'Офис 2'],
        ]),
      )
      const view = march()
      const records: RecordContext = { scope: all(), period: view.period, filter: view.filter, narrowing: {}, asOf: ASOF, zone: world.org.time_zone, params }
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sq-print-dash-'))
      try {
        for (const [name, stream] of [
          ['dashboard', dashboardWorkbook(data, [['Отчёт', 'тест']])],
          ['register', registerWorkbook(db, { register: REGISTERS.appeals, records, personalData: false, about: [['Отчёт', 'тест']] })],
        ] as const) {
          const bytes = await buffer(stream)
          const book = new ExcelJS.Workbook()
          await book.xlsx.load(bytes as unknown as ArrayBuffer)
          const file = path.join(dir, `${name}.xlsx`)
          fs.writeFileSync(file, bytes)
          execFileSync(soffice!, [`-env:UserInstallation=file://${dir}/profile`, '--headless', '--convert-to', 'pdf', '--outdir', dir, file], {
            stdio: 'pipe',
            timeout: 120_000,
          })
          const pdf = path.join(dir, `${name}.pdf`)
          const count = pdfPageCount(pdf)
          // every sheet is short: one page each, so no column went to a page of its own
          expect(count, name).toBe(book.worksheets.length)
          for (let i = 0; i < count; i++) {
            const text = pdfPageText(pdf, i + 1)
            expect(text).toContain(`Страница ${i + 1} из ${count}`)
            expect(text).toContain(book.worksheets[i]!.name)
          }
          const first = pdfPageText(pdf, 1)
          // the first sheet's header labels are whole (wrapped, not cut)
          if (name === 'dashboard') {
            expect(first.replace(/\s+/g, ' ')).toContain('Год назад')
            expect(first).not.toContain('Код показателя') // issue 16: no internal codes in files
          } else expect(first).toMatch(/a2\s/)
        }
      } finally {
        fs.rmSync(dir, { recursive: true, force: true })
      }
    },
  )
})
