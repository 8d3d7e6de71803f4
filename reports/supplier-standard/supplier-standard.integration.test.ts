/**
 * The supplier-standard report on a hand-made year: an average norm broken by its mean, a per-record norm
 * broken by one call, an appeal term broken by one late answer, the others met or without data; the file
 * lists exactly the records that broke each norm.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { buffer } from 'node:stream/consumers'
import ExcelJS from 'exceljs'
import { type TestWorld, resetWorld, useTestDatabase } from '#test/setup/database.ts'
import { hasPoppler, pdfPageCount, pdfPages } from '#test/setup/pdf.ts'
import { updateOrganisation } from '#app/models/organisation.server.ts'
import { seedRulePresets } from '#reports/deadlines/rules.server.ts'
import { yearPeriod } from '#reports/metrics/period.ts'
import { prepareSupplierStandard, supplierStandardOfYear, writeSupplierStandard } from './report.server.ts'

const t = useTestDatabase()
let world: TestWorld
const at = (text: string) => new Date(text)
const plus = (text: string, seconds: number) => new Date(at(text).getTime() + seconds * 1000)

beforeEach(async () => {
  world = await resetWorld(t.database)
  const db = t.database.db
  const org = world.org.id
  await updateOrganisation(db, org, { regime: 'supplier' })
  await seedRulePresets(db, org, 'supplier')
  await db.insertInto('office').values({ org_id: org, office_code: 'O1', name: 'Офис 1' }).execute()
  const visit = (id: string, kind: string, issued: string, wait: number, service: number) => ({
    org_id: org,
    ticket_id: id,
    office_code: 'O1',
    service_kind: kind,
    issued_at: at(issued),
    called_at: plus(issued, wait),
    service_ended_at: plus(issued, wait + service),
  })
  await db
    .insertInto('visit')
    .values([
      // consultation waits 5 and 20 minutes: mean 12.5 > 10 — broken on average, by the 20-minute one
      visit('v1', 'consultation', '2025-03-03T09:00:00+03:00', 300, 300),
      visit('v2', 'consultation', '2025-03-03T10:00:00+03:00', 1200, 300),
      // cashier waits 2 minutes: mean within 5
      visit('v3', 'cashier', '2025-03-03T11:00:00+03:00', 120, 60),
    ])
    .execute()
  const call = (id: string, started: string, answerAfter: number) => ({
    org_id: org,
    call_id: id,
    direction: 'in' as const,
    line: 'L1',
    started_at: at(started),
    answered_at: plus(started, answerAfter),
    ended_at: plus(started, answerAfter + 60),
  })
  await db
    .insertInto('call')
    .values([call('c1', '2025-02-01T10:00:00+03:00', 10), call('c2', '2025-02-01T11:00:00+03:00', 20)])
    .execute()
  const rule = await db
    .selectFrom('deadline_rule')
    .select('id')
    .where('org_id', '=', org)
    .where('code', '=', 'supplier_appeal_written')
    .executeTakeFirstOrThrow()
  await db
    .insertInto('appeal')
    .values([
      {
        org_id: org,
        reg_number: 'a1',
        received_at: at('2025-04-01T10:00:00+03:00'),
        form: 'post',
        topic: 'other',
        deadline_rule_id: rule.id,
        due_at: at('2025-05-02T00:00:00+03:00'),
        answered_at: at('2025-04-20T10:00:00+03:00'),
      },
      {
        org_id: org,
        reg_number: 'a2',
        received_at: at('2025-04-02T10:00:00+03:00'),
        form: 'post',
        topic: 'other',
        deadline_rule_id: rule.id,
        due_at: at('2025-05-03T00:00:00+03:00'),
        answered_at: at('2025-05-10T10:00:00+03:00'),
      },
    ])
    .execute()
})

describe('the supplier-standard report', () => {
  it('every norm with its figure and verdict, and the records that broke it', async () => {
    const org = { id: world.org.id, name: 'ГП', zone: 'Europe/Moscow' }
    const report = await prepareSupplierStandard(
      t.database.db,
      { orgId: org.id, branches: 'all' },
      org,
      yearPeriod(2025, org.zone),
      at('2026-01-15T00:00:00+03:00'),
    )
    const byCode = Object.fromEntries(report.lines.map((l) => [l.code, [l.judged, l.violations, l.verdict]]))
    expect(byCode.supplier_visit_wait_consultation).toEqual([2, 1, 'broken'])
    expect(byCode.supplier_visit_wait_cashier).toEqual([1, 0, 'met'])
    expect(byCode.supplier_call_pickup).toEqual([2, 1, 'broken'])
    expect(byCode.supplier_appeal_written).toEqual([2, 1, 'broken'])
    expect(byCode.supplier_contract_legal).toEqual([0, 0, 'no_data'])
    expect(report.lines.find((l) => l.code === 'supplier_visit_wait_consultation')!.meanSeconds).toBe(750)

    const book = new ExcelJS.Workbook()
    await book.xlsx.load((await buffer(writeSupplierStandard('xlsx', report, [['Отчёт', 'тест']]))) as unknown as ArrayBuffer)
    const names = book.worksheets.map((s) => s.name)
    expect(names[0]).toBe('Нормативы')
    expect(names.at(-1)).toBe('О файле')
    const violations = (code: string) => {
      const sheet = book.worksheets.find((s) => s.name.startsWith(`Нарушения ${code}`.slice(0, 31)))!
      return sheet
        .getSheetValues()
        .slice(3)
        .map((r) => (r as unknown[])[2])
    }
    expect(violations('supplier_call_pickup')).toEqual(['c2'])
    expect(violations('supplier_appeal_written')).toEqual(['a2'])
    expect(violations('supplier_visit_wait_consultation')).toEqual(['v2'])
    const norms = book.getWorksheet('Нормативы')!
    const row = norms
      .getSheetValues()
      .slice(2)
      .find((r) => (r as unknown[])[11] === 'supplier_call_pickup') as unknown[]
    expect(row.slice(4, 11)).toEqual(['15 с', 2, 1, 1, 50, 0.3, 'нарушен']) // mean 15 s = 0.25 min, printed with one decimal
  })
})

describe('no data is not zero', () => {
  it('a year with months missing in its logs says so; a year without records says «нет данных»', async () => {
    const scope = { orgId: world.org.id, branches: 'all' as const }
    const report = await supplierStandardOfYear(t.database, scope, 2025, at('2026-01-15T00:00:00+03:00'))
    const byLog = Object.fromEntries(report.dataWarnings.map((w) => [w.log, w]))
    expect(byLog.appeals?.kind).toBe('partial')
    expect(byLog.calls?.text).toContain('январь, март')
    const empty = await supplierStandardOfYear(t.database, scope, 2023, at('2026-01-15T00:00:00+03:00'))
    expect(empty.dataWarnings.map((w) => w.kind)).toEqual(['none', 'none', 'none'])
    expect(empty.lines.every((l) => l.verdict === 'no_data')).toBe(true)
  })
})

describe('printed', () => {
  const soffice = process.env.SQ_SOFFICE
  it.skipIf(!soffice || !hasPoppler)('LibreOffice prints «Нормативы» one page wide and repeats the header of a long list of violations', async () => {
    const db = t.database.db
    const rule = await db
      .selectFrom('deadline_rule')
      .select('id')
      .where('org_id', '=', world.org.id)
      .where('code', '=', 'supplier_appeal_written')
      .executeTakeFirstOrThrow()
    await db
      .insertInto('appeal')
      .values(
        Array.from({ length: 120 }, (_, i) => ({
          org_id: world.org.id,
          reg_number: `late-${i}`,
          received_at: at('2025-06-02T10:00:00+03:00'),
          form: 'post',
          topic: 'other',
          deadline_rule_id: rule.id,
          due_at: at('2025-07-03T00:00:00+03:00'),
          answered_at: at('2025-07-10T10:00:00+03:00'),
        })),
      )
      .execute()
    const org = { id: world.org.id, name: 'ГП «Энергосбыт»', zone: 'Europe/Moscow' }
    const report = await prepareSupplierStandard(db, { orgId: org.id, branches: 'all' }, org, yearPeriod(2025, org.zone), at('2026-01-15T00:00:00+03:00'))
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sq-print-gp-'))
    try {
      for (const format of ['xlsx', 'ods'] as const) {
        const file = path.join(dir, `gp-${format}.${format}`)
        fs.writeFileSync(file, await buffer(writeSupplierStandard(format, report, [['Отчёт', 'тест']])))
        execFileSync(soffice!, [`-env:UserInstallation=file://${dir}/profile`, '--headless', '--convert-to', 'pdf', '--outdir', dir, file], {
          stdio: 'pipe',
          timeout: 120_000,
        })
        const pdf = path.join(dir, `gp-${format}.pdf`)
        const count = pdfPageCount(pdf)
        const pages = pdfPages(pdf, count)
        // «Нормативы»: the first column and the last on page 1, the next page already the first list of violations
        expect(pages[0]).toMatch(/N\s+Процесс\s+Норматив[\s\S]*Источник/)
        expect(pages[0]).toContain('ГП «Энергосбыт»')
        expect(pages[1]).toContain('— норматив')
        const late = pages.filter((p) => p.includes('late-'))
        expect(late.length, format).toBeGreaterThanOrEqual(2)
        for (const p of late) expect(p).toMatch(/N\s+Рег\. номер\s+Поступило\s+Срок ответа\s+Ответ дан\s+Исход\s+Форма\s+Тема/)
        pages.forEach((p, i) => expect(p).toContain(`Страница ${i + 1} из ${count}`))
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
