/**
 * The guaranteeing supplier's compliance report: every active norm of its standard (the «supplier» preset
 * of the deadline rules, as the organisation edited it), its figure for the period, the verdict, and every
 * record that broke it. Appeal terms come from the deadline engine (computeAppealCompliance), minute norms
 * of calls and visits from norms.server.ts — the same figures as the «Сроки» pages.
 */
import { LOST_METRICS, lostCallFigures, lostCallsSetup, lostFigureValues, normText as lostNormText } from '#reports/callbacks/callbacks.server.ts'
import { metricCatalog } from '#reports/metrics/catalog.ts'
type LostMetricId = (typeof LOST_METRICS)[number]
import type { Readable } from 'node:stream'
import type { Database, Db } from '#db/client.server.ts'
import { refreshRollups } from '#reports/metrics/rollups.server.ts'
import type { Scope } from '#db/scope.server.ts'
import { appealViolations, computeAppealCompliance } from '#reports/deadlines/compliance.server.ts'
import { type NormFigures, computeNormFigures, loadNormRules, normVerdict, normViolations } from '#reports/deadlines/norms.server.ts'
import type { Cell } from '#reports/sheet-writer/model.ts'
import { MAX_ROWS_PER_SHEET, type PrintSpec, type SheetFormat, type SheetSpec, writeReportBook } from '#reports/sheet-writer/writer.server.ts'
import { safeText } from '#reports/export/workbook.server.ts'
import { type Period, yearPeriod } from '#reports/metrics/period.ts'
import { appealForm, appealTopic, labelOf } from '#reports/vocabulary.ts'

import { type DataWarning, coverageOf, dataWarnings } from '#reports/appendix-7/coverage.server.ts'
import { VERDICT_LABEL, type Verdict } from './verdicts.ts'

export { VERDICT_LABEL, type Verdict }

export interface NormLine {
  ruleId: string
  code: string
  name: string
  source: string
  domain: 'appeals' | 'calls' | 'visits'
  norm: string
  isAverage: boolean
  /** records judged against the norm */
  judged: number
  within: number
  violations: number
  /** within ÷ judged */
  withinShare: number | null
  /** minute norms: mean duration, seconds */
  meanSeconds: number | null
  verdict: Verdict
  normFigures?: NormFigures
}

export interface SupplierReport {
  db: Db
  scope: Scope
  org: { id: string; name: string; zone: string }
  period: Period
  asOf: Date
  lines: NormLine[]
  /** the logs without records (or with months missing) in the year: said on the page, in the file and the PDF */
  dataWarnings: DataWarning[]
  /** lost calls called back (issue 18, reports/callbacks): the catalog's lost.* figures and the norm */
  lostCalls: { figures: Record<LostMetricId, number | null>; norm: string; source: string }
}

const UNIT_TEXT: Record<string, string> = { seconds: 'с', minutes: 'мин', hours: 'ч', calendar_days: 'календарных дн.', working_days: 'рабочих дн.' }
const DOMAIN_TEXT = { appeals: 'Обращения', calls: 'Звонки', visits: 'Офисы' } as const

export function normText(amount: number | string, unit: string, isAverage: boolean): string {
  return `${Number(amount).toLocaleString('ru-RU')} ${UNIT_TEXT[unit] ?? unit}${isAverage ? ' (в среднем)' : ''}`
}

/** The report of an organisation's calendar year (its figures read from the records themselves; only the completeness of the logs from the rollups). */
export async function supplierStandardOfYear(database: Database, scope: Scope, year: number, asOf: Date): Promise<SupplierReport> {
  const db = database.db
  // the completeness of the logs is read from the daily rollups: brought up to date first
  await refreshRollups(database, scope.orgId)
  const org = await db.selectFrom('organisation').select(['id', 'name', 'time_zone']).where('id', '=', scope.orgId).executeTakeFirstOrThrow()
  const zone = org.time_zone
  const report = await prepareSupplierStandard(db, scope, { id: org.id, name: org.name, zone }, yearPeriod(year, zone), asOf)
  const coverage = await coverageOf(db, scope, [year], asOf, zone)
  const used = new Set(report.lines.map((l) => l.domain))
  report.dataWarnings = dataWarnings(coverage, {
    ...(used.has('appeals') ? { appeals: 'нормативы обращений' } : {}),
    ...(used.has('calls') ? { calls: 'нормативы звонков' } : {}),
    ...(used.has('visits') ? { visits: 'нормативы офисов' } : {}),
  }).map((w) => ({ ...w, text: w.text.replace(/показывают «нет данных», а не 0\./, 'оцениваются как «нет данных за период».') }))
  return report
}

export async function prepareSupplierStandard(db: Db, scope: Scope, org: SupplierReport['org'], period: Period, asOf: Date): Promise<SupplierReport> {
  const rules = await db
    .selectFrom('deadline_rule')
    .select(['id', 'code', 'name', 'source', 'applies_to', 'amount', 'unit', 'is_average'])
    .where('org_id', '=', org.id)
    .where('preset', '=', 'supplier')
    .where('active', '=', true)
    .orderBy('applies_to')
    .orderBy('priority')
    .orderBy('code')
    .execute()
  const appeals = new Map((await computeAppealCompliance(db, scope, period, asOf)).map((c) => [c.ruleId, c]))
  const norms = new Map((await loadNormRules(db, org.id)).map((r) => [r.id, r]))
  const lines: NormLine[] = []
  for (const rule of rules) {
    const base = {
      ruleId: rule.id,
      code: rule.code,
      name: rule.name,
      source: rule.source ?? '',
      domain: rule.applies_to,
      norm: normText(rule.amount, rule.unit, rule.is_average),
      isAverage: rule.is_average,
    }
    if (rule.applies_to === 'appeals') {
      const c = appeals.get(rule.id)
      const judged = c ? c.onTime + c.late + c.overdue : 0
      const violations = c ? c.late + c.overdue : 0
      lines.push({
        ...base,
        judged,
        within: c?.onTime ?? 0,
        violations,
        withinShare: c?.onTimeShare ?? null,
        meanSeconds: null,
        verdict: judged === 0 ? 'no_data' : violations ? 'broken' : 'met',
      })
      continue
    }
    const normRule = norms.get(rule.id)
    if (!normRule) continue // a day term on calls or visits: not measured in minutes (the «Сроки» page says so too)
    const f = await computeNormFigures(db, scope, period, asOf, normRule)
    const { judged, violations, verdict } = normVerdict(rule.is_average, f)
    lines.push({ ...base, judged, within: f.within, violations, withinShare: f.withinShare, meanSeconds: f.meanSeconds, verdict, normFigures: f })
  }
  const setup = await lostCallsSetup(db, org.id)
  const lost = await lostCallFigures(db, { scope, period, asOf, ...setup })
  return {
    db,
    scope,
    org,
    period,
    asOf,
    lines,
    dataWarnings: [],
    lostCalls: { figures: lostFigureValues(lost), norm: lostNormText(setup.norm), source: setup.norm.source },
  }
}

export const minutes = (seconds: number | null) => (seconds === null ? null : Math.round((seconds / 60) * 10) / 10)

export function localText(instant: Date | null, zone: string): string {
  if (!instant) return ''
  return instant.toLocaleString('ru-RU', { timeZone: zone, day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' })
}

/** One violating record as a row of the file and of the PDF: an appeal, or a call or visit beyond its norm. */
export function violationCells(domain: 'appeals' | 'calls' | 'visits', r: Record<string, unknown>, n: number, zone: string): Cell[] {
  if (domain === 'appeals') {
    return [
      { v: n, s: 'center' },
      { v: safeText(String(r.reg_number)), s: 'text' },
      { v: localText(r.received_at as Date, zone), s: 'center' },
      { v: localText(r.due_at as Date, zone), s: 'center' },
      { v: localText(r.answered_at as Date | null, zone), s: 'center' },
      { v: r.outcome === 'late' ? 'с нарушением срока' : 'без ответа, срок истёк', s: 'text' },
      { v: labelOf(appealForm, r.form as string), s: 'text' },
      { v: labelOf(appealTopic, r.topic as string), s: 'text' },
    ]
  }
  return [
    { v: n, s: 'center' },
    { v: safeText(String(r.key)), s: 'text' },
    { v: localText(r.start as Date, zone), s: 'center' },
    { v: localText(r.stop as Date | null, zone) || 'нет', s: 'center' },
    { v: minutes(r.seconds as number | null) ?? '–', s: r.seconds === null ? 'center' : 'decimal' },
    { v: safeText(String(r.place ?? '')), s: 'text' },
  ]
}

export const APPEAL_HEAD = ['N', 'Рег. номер', 'Поступило', 'Срок ответа', 'Ответ дан', 'Исход', 'Форма', 'Тема']
export const NORM_HEAD = {
  calls: ['N', 'Звонок', 'Начало', 'Окончание', 'Длительность, мин', 'Линия'],
  visits: ['N', 'Талон', 'Начало', 'Окончание', 'Длительность, мин', 'Офис'],
}

/** The report as a file: «Нормативы», a sheet of violations per broken norm, «О файле». */
export function writeSupplierStandard(format: SheetFormat, report: SupplierReport, about: readonly (readonly [string, string])[]): Readable {
  const broken = report.lines.filter((l) => l.verdict === 'broken' && l.violations > 0)
  const perSheet = MAX_ROWS_PER_SHEET - 2
  const title = `Соблюдение стандарта качества обслуживания за ${report.period.from.slice(0, 4)} год`
  const print = (what: string, rows: 1 | 2, orientation: 'portrait' | 'landscape' = 'landscape'): PrintSpec => ({
    orientation,
    repeatRows: [1, rows],
    title: `${title}. ${what}`,
    org: report.org.name,
  })
  const specs: SheetSpec[] = [{ name: 'Нормативы', widths: [6, 12, 50, 22, 16, 12, 12, 12, 12, 14, 18, 40], freezeRows: 1, print: print('Нормативы', 1) }]
  const parts = broken.map((l) => Math.max(1, Math.ceil(l.violations / perSheet)))
  broken.forEach((l, i) => {
    for (let p = 0; p < parts[i]!; p++)
      specs.push({
        name: `Нарушения ${l.code}${p ? ` (${p + 1})` : ''}`,
        widths: l.domain === 'appeals' ? [8, 18, 17, 17, 17, 18, 12, 30] : [8, 20, 17, 17, 14, 24],
        freezeRows: 2,
        print: print(`Нарушения норматива ${l.code}`, 2, 'portrait'),
      })
  })
  specs.push({ name: 'Перезвоны', widths: [40, 16, 110], freezeRows: 1, print: print('Потерянные звонки и перезвоны', 1, 'portrait') })
  const zone = report.org.zone
  return writeReportBook(format, specs, about, async (book) => {
    const sheet = await book.next()
    await sheet.row(
      [
        'N',
        'Процесс',
        'Норматив',
        'Значение норматива',
        'Оценено записей',
        'В пределах',
        'Нарушений',
        'Доля в пределах, %',
        'Среднее, мин',
        'Вердикт',
        'Код правила',
        'Источник',
      ].map((v) => ({ v, s: 'head' as const })),
    )
    for (const [i, l] of report.lines.entries()) {
      const cells: Cell[] = [
        { v: i + 1, s: 'center' },
        { v: DOMAIN_TEXT[l.domain], s: 'text' },
        { v: safeText(l.name), s: 'text' },
        { v: l.norm, s: 'text' },
        { v: l.judged, s: 'count' },
        { v: l.within, s: 'count' },
        { v: l.violations, s: 'count' },
        { v: l.withinShare === null ? '–' : Math.round(l.withinShare * 1000) / 10, s: l.withinShare === null ? 'center' : 'decimal' },
        { v: minutes(l.meanSeconds) ?? '–', s: l.meanSeconds === null ? 'center' : 'decimal' },
        { v: VERDICT_LABEL[l.verdict], s: l.verdict === 'broken' ? 'textBold' : 'text' },
        { v: l.code, s: 'text' },
        { v: safeText(l.source), s: 'text' },
      ]
      await sheet.row(cells)
    }
    await sheet.end()
    for (const [i, l] of broken.entries()) {
      let part = 0
      let inSheet = 0
      let n = 0
      const head = l.domain === 'appeals' ? APPEAL_HEAD : NORM_HEAD[l.domain]
      let out = await book.next()
      const title = async () => {
        part++
        await out.row([{ v: `${l.name} — норматив ${l.norm}${part > 1 ? ` (часть ${part})` : ''}`, s: 'title', colspan: head.length }])
        await out.row(head.map((v) => ({ v, s: 'head' as const })))
      }
      await title()
      const rows =
        l.domain === 'appeals'
          ? appealViolations(report.db, report.scope, report.period, report.asOf, l.ruleId)
          : normViolations(report.db, report.scope, report.period, report.asOf, l.normFigures!.rule)
      for await (const page of rows as AsyncGenerator<Record<string, unknown>[]>) {
        for (const r of page) {
          if (inSheet === perSheet) {
            await out.end()
            out = await book.next()
            await title()
            inSheet = 0
          }
          n++
          inSheet++
          if (l.domain === 'appeals') {
            await out.row(violationCells('appeals', r, n, zone))
          } else {
            await out.row(violationCells(l.domain, r, n, zone))
          }
        }
      }
      await out.end()
      for (let p = part; p < parts[i]!; p++) {
        out = await book.next()
        await title()
        await out.end()
      }
    }
    const lost = await book.next()
    await lost.row(['Показатель', 'Значение', 'Определение'].map((v) => ({ v, s: 'head' as const })))
    for (const row of lostCallRows(report)) await lost.row(row)
    await lost.end()
  })
}

/**
 * The lost-call block (issue 18): each catalog figure of `reports/callbacks` with its unit, value and definition,
 * then the callback norm — the same rows in the XLSX sheet and in the PDF.
 */
export function lostCallRows(report: Pick<SupplierReport, 'lostCalls'>): Cell[][] {
  const rows: Cell[][] = LOST_METRICS.map((id) => {
    const value = report.lostCalls.figures[id]
    const unit = metricCatalog[id].unit
    const cell: Cell =
      value === null
        ? { v: '–', s: 'center' }
        : unit === 'share'
          ? { v: Math.round(value * 1000) / 10, s: 'decimal' }
          : unit === 'seconds'
            ? { v: Math.round((value / 60) * 10) / 10, s: 'decimal' }
            : { v: value, s: 'count' }
    return [
      { v: `${metricCatalog[id].label}${unit === 'share' ? ', %' : unit === 'seconds' ? ', мин' : ''}`, s: 'text' },
      cell,
      { v: metricCatalog[id].definition, s: 'text' },
    ]
  })
  rows.push([
    { v: 'Норматив перезвона', s: 'textBold' },
    { v: report.lostCalls.norm, s: 'text' },
    { v: safeText(report.lostCalls.source), s: 'text' },
  ])
  return rows
}
