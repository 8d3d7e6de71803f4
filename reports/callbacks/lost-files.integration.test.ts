/**
 * The lost-call figures in the files (issue 18): the /calls/lost export through the registry (numbers masked
 * for roles without personal data), the dashboard XLSX's block «Перезвоны» and the supplier-standard PDF —
 * each compared with the screen's figures on the hand-made calls of callbacks.integration.test.ts.
 */
import { buffer } from 'node:stream/consumers'
import ExcelJS from 'exceljs'
import { type TestWorld, resetWorld, useTestDatabase } from '#test/setup/database.ts'
import { tmpFile } from '#test/setup/files.ts'
import { hasPoppler, pdfText } from '#test/setup/pdf.ts'
import { runFileImport } from '#app/imports/pipeline.server.ts'
import { metricCatalog } from '#reports/metrics/catalog.ts'
import { periodOf } from '#reports/metrics/period.ts'
import { readView } from '#reports/metrics/view.ts'
import { reportContext, runReport } from '#reports/registry.server.ts'
import { LOST_METRICS, lostCallFigures, lostCallsOfView, lostCallsSetup, lostFigureValues } from './callbacks.server.ts'

const t = useTestDatabase()
let world: TestWorld
const MSK = 'Europe/Moscow'
const at = (text: string) => new Date(`${text}+03:00`)

const CALLS = [
  'call_id;direction;started_at;answered_at;ended_at;caller_phone;line',
  'L1;in;10.03.2025 10:00:00;;10.03.2025 10:01:00;8 (912) 345-00-01;main',
  'C1;out;10.03.2025 13:59:40;10.03.2025 14:00:00;10.03.2025 14:05:00;+7 912 345-00-01;',
  'L2;in;10.03.2025 10:00:00;;10.03.2025 10:01:00;+79123450002;main',
  'C2;out;10.03.2025 14:01:40;10.03.2025 14:02:00;10.03.2025 14:05:00;8 912 3450002;',
  'L3;in;10.03.2025 10:00:00;;10.03.2025 10:01:00;8-912-345-00-03;main',
  'O3;in;10.03.2025 10:59:50;10.03.2025 11:00:00;10.03.2025 11:05:00;+7 (912) 345 00 03;main',
  'L4;in;10.03.2025 10:00:00;;10.03.2025 10:01:00;89123450004;main',
  'L6;in;10.03.2025 10:00:00;;10.03.2025 10:01:00;;main',
].join('\n')

const ASOF = at('2025-03-11T12:00:00')
const view = () => readView(new URLSearchParams({ period: 'custom', from: '2025-03-10', to: '2025-03-10' }), MSK, 2025)
const all = () => ({ orgId: world.org.id, branches: 'all' as const })

/** A cell as the figure it shows: a duration cell (a Date to exceljs, days since 30.12.1899) back in seconds. */
const figure = (v: unknown) => (v instanceof Date ? Math.round((v.getTime() - Date.UTC(1899, 11, 30)) / 1000) : v)

async function sheets(stream: NodeJS.ReadableStream) {
  const book = new ExcelJS.Workbook()
  await book.xlsx.load((await buffer(stream)) as unknown as ArrayBuffer)
  return book
}

beforeAll(async () => {
  world = await resetWorld(t.database)
  const report = await runFileImport(world.target, { kind: 'calls', path: tmpFile('c.csv', CALLS), fileName: 'c.csv', skipInvalid: false, source: 'cli' })
  expect(report.status).toBe('done')
})

describe('lost calls in the files', () => {
  it('/calls/lost as XLSX: the screen figures, every lost call newest first, numbers masked without personal data', async () => {
    const setup = await lostCallsSetup(t.database.db, world.org.id)
    const screen = lostFigureValues(
      await lostCallFigures(t.database.db, { scope: all(), period: periodOf('2025-03-10', '2025-03-10', MSK), asOf: ASOF, ...setup }),
    )
    expect(screen['lost.calls']).toBe(5)
    for (const personalData of [false, true]) {
      const ctx = await reportContext(t.database, all(), { view: view(), asOf: ASOF, by: 'тест', personalData })
      const run = await runReport(ctx, 'lost-calls', 'xlsx')
      expect(run.fileName).toBe('Потерянные-звонки_2025-03-10.xlsx')
      const book = await sheets(run.stream)
      const figures = new Map<string, unknown>()
      book.getWorksheet('Показатели')!.eachRow((row, n) => n > 1 && figures.set(String(row.getCell(1).value), row.getCell(2).value))
      for (const id of LOST_METRICS) expect(figure(figures.get(metricCatalog[id].label)), id).toBe(screen[id] ?? '—')
      const list = book.getWorksheet('Потерянные звонки')!
      expect(list.rowCount).toBe(1 + 5)
      const phones = [2, 3, 4, 5, 6].map((r) => String(list.getRow(r).getCell(5).value ?? ''))
      const l1 = [2, 3, 4, 5, 6].find((r) => list.getRow(r).getCell(1).value === 'L1')!
      expect(list.getRow(l1).getCell(6).value).toBe('перезвонили')
      expect(list.getRow(l1).getCell(2).value).toEqual(new Date(Date.UTC(2025, 2, 10, 10, 0))) // 10:00 Moscow, as the screen shows it
      expect(list.getRow(l1).getCell(10).value).toBe('да')
      if (personalData) expect(phones).toContain('+7 912 345-00-01')
      else {
        expect(phones).toContain('+7 912 •••-••-01')
        expect(phones.join(' ')).not.toMatch(/345/)
      }
      const about = new Map<string, unknown>()
      book.getWorksheet('О файле')!.eachRow((row) => about.set(String(row.getCell(1).value), row.getCell(2).value))
      expect(about.get('Номера телефонов')).toBe(personalData ? 'показаны' : 'скрыты (маска)')
      expect(about.get('По состоянию на')).toBe('11.03.2025 12:00')
    }
    await expect(
      runReport(await reportContext(t.database, all(), { view: view(), asOf: ASOF, by: 'тест' }), 'lost-calls', 'xlsx', { outcome: 'x' }),
    ).rejects.toThrow('Неверный параметр отчёта «Потерянные звонки и перезвоны»: «outcome».')
  })

  it('the dashboard XLSX carries the screen block «Перезвоны»: the same figures and the norm', async () => {
    const ctx = await reportContext(t.database, all(), { view: view(), asOf: ASOF, by: 'тест' })
    const screen = await lostCallsOfView(t.database.db, world.org.id, all(), ctx.view!, ASOF)
    const run = await runReport(ctx, 'dashboard', 'xlsx')
    const book = await sheets(run.stream)
    const rows: unknown[][] = []
    book
      .getWorksheet('Показатели')!
      .eachRow((row) => row.getCell(1).value === 'Перезвоны' && rows.push([row.getCell(2).value, row.getCell(3).value, row.getCell(4).value]))
    expect(rows).toHaveLength(LOST_METRICS.length + 1)
    for (const id of LOST_METRICS) {
      const row = rows.find((r) => r[0] === metricCatalog[id].label)!
      expect([id, figure(row[1]), figure(row[2])]).toEqual([id, screen.current[id] ?? '—', screen.previous[id] ?? '—'])
    }
    expect(screen.current['lost.calls']).toBe(5)
    expect(rows.at(-1)).toEqual([`Норматив перезвона (${screen.source})`, screen.norm, null])
    const defined: unknown[] = []
    book.getWorksheet('Определения')!.eachRow((row) => defined.push(row.getCell(1).value))
    for (const id of LOST_METRICS) expect(defined).toContain(metricCatalog[id].label)
  })

  // poppler reads the PDF back (required under CI, vitest.config.ts)
  it.skipIf(!hasPoppler)('the supplier-standard PDF has the lost-call block with the XLSX figures', async () => {
    const ctx = await reportContext(t.database, all(), { year: 2025, asOf: ASOF, by: 'тест' })
    const xlsx = await sheets((await runReport(ctx, 'supplier-standard', 'xlsx')).stream)
    const inXlsx = new Map<string, unknown>()
    xlsx.getWorksheet('Перезвоны')!.eachRow((row) => inXlsx.set(String(row.getCell(1).value), row.getCell(2).value))
    expect(inXlsx.get(`${metricCatalog['lost.calls'].label}`)).toBe(5)
    const pdf = await runReport(ctx, 'supplier-standard', 'pdf')
    expect(pdf.fileName).toMatch(/^Стандарт-качества_2025_.+\.pdf$/)
    const text = pdfText(await buffer(pdf.stream)).replace(/\s+/g, ' ')
    expect(text).toContain('Потерянные звонки и перезвоны')
    expect(text).toMatch(new RegExp(`${metricCatalog['lost.calls'].label} 5 `))
    expect(text).toContain(
      `${metricCatalog['lost.in_time_share'].label}, % ${String(inXlsx.get(`${metricCatalog['lost.in_time_share'].label}, %`)).replace('.', ',')}`,
    )
    expect(text).toContain('Норматив перезвона')
  })
})
