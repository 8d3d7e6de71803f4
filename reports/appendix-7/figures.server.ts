/**
 * Appendix 7 as tables of cells: every cell filled by the template's rule from the same sums and catalog
 * formulas as the dashboards (the catalog's `formula` over the rollups), the policies applied, N‑1 beside N. The pages
 * render these tables and the files write them, so the screen and the file are one computation.
 */
import { type RawBuilder, sql } from 'kysely'
import type { Db } from '#db/client.server.ts'
import { type SharedColumn, columnsOf } from '#db/columns.ts'
import { type Scope, inScope } from '#db/scope.server.ts'
import type { Cell, CellStyle } from '#reports/sheet-writer/model.ts'
import { type MetricId, figureIn, metricCatalog } from '#reports/metrics/catalog.ts'
import {
  APPEAL_SUMS_SQL,
  type AppealSums,
  type CallSums,
  type Grouped,
  type VisitSums,
  type DashboardMetricId,
  addSums,
  appealSumsOf,
  callSums,
  figuresOf,
  groupBy,
  surveySums,
  surveysConducted,
  totalOf,
  viewConditions,
  visitSums,
} from '#reports/metrics/dashboard.server.ts'
import { type Period, yearPeriod } from '#reports/metrics/period.ts'
import { type ReportPolicies, channelKey, dynamicsOf } from './policies.ts'
import { NO_DATA, type YearCoverage, coverageOf, hasData } from './coverage.server.ts'
import type { FiguresTable, InputCompareTable, InputListTable, OfficesTable, RegisterTable, Template, TemplateTable, Where } from './template.ts'
import { withYears } from './template.ts'

export interface ReportOrg {
  id: string
  name: string
  zone: string
}

export interface Appendix7Context {
  db: Db
  org: ReportOrg
  scope: Scope
  year: number
  /** verdicts of 4.9 (columns 27–29) and the checks are judged as of this moment */
  asOf: Date
  policies: ReportPolicies
  template: Template
}

/** One figure of the report, for the page, the frozen snapshot and the comparison with it. */
export interface FigureValue {
  key: string
  label: string
  value: number | string | null
}

export interface RenderedTable {
  code: string
  section: string
  kind: TemplateTable['kind']
  title: string
  widths: readonly number[]
  header: Cell[][]
  body: Cell[][]
  figures: FigureValue[]
  /** catalog figures the table uses (for «Определения») */
  metrics: MetricId[]
}

/** «–» where a figure does not exist (no records, or no previous year to compare with). */
export const NO_VALUE = '–'

// ---------------------------------------------------------------------------------------------- policies in SQL

/** The raw channels of the organisation that a policy moves to another form, by form. */
export async function channelForms(db: Db, orgId: string, policies: ReportPolicies): Promise<Map<string, string[]>> {
  const wanted = new Map(policies.channelForms.map((c) => [channelKey(c.channel), c.form]))
  const out = new Map<string, string[]>()
  if (wanted.size === 0) return out
  const rows = await db
    .selectFrom('appeal_day')
    .select('channel')
    .distinct()
    .where('org_id', '=', orgId)
    .where('channel', 'is not', null)
    .$narrowType<{ channel: string }>()
    .execute()
  for (const { channel } of rows) {
    const form = wanted.get(channelKey(channel))
    if (form) out.set(form, [...(out.get(form) ?? []), channel])
  }
  return out
}

/** The form of service an appeal counts as in Appendix 7: the policy's form for its channel, else its own. */
export function policyFormSql(forms: Map<string, string[]>, alias = 'r'): RawBuilder<string> {
  // put on the raw appeals and on their daily rollup alike
  const col = (name: SharedColumn<'appeal', 'appeal_day'>) => sql.ref<string>(`${alias}.${name}`)
  if (forms.size === 0) return sql<string>`${col('form')}`
  const branches = [...forms].map(([form, channels]) => sql`when ${col('channel')} = any(${channels}::text[]) then ${form}::text`)
  return sql<string>`(case ${sql.join(branches, sql` `)} else ${col('form')} end)`
}

// ---------------------------------------------------------------------------------------------- values

const round = (value: number, decimals: number) => Math.round(value * 10 ** decimals) / 10 ** decimals

/** A catalog figure as the form prints it: counts as they are, times in minutes with one decimal. */
function printed(value: number | null, unit: 'count' | 'minutes' | undefined): number | null {
  if (value === null) return null
  return unit === 'minutes' ? round(value / 60, 1) : value
}

function valueCell(value: number | null, unit: 'count' | 'minutes' | 'decimal' | undefined, bold = false): Cell {
  if (value === null) return { v: NO_VALUE, s: 'center' }
  const style: CellStyle = unit === 'count' || unit === undefined ? (bold ? 'countBold' : 'count') : bold ? 'decimalBold' : 'decimal'
  return { v: value, s: style }
}

function dynamicsCell(value: number | null, bold = false): Cell {
  return value === null ? { v: NO_VALUE, s: 'center' } : { v: value, s: bold ? 'decimalBold' : 'decimal' }
}

const PRESENT_ABSENT = new Set([null, '', 'none', 'false'])

/** Whether a group's key satisfies a template condition (`*` = any value present). */
export function matches(key: Record<string, string | null>, where: Where | undefined): boolean {
  if (!where) return true
  for (const [dim, want] of Object.entries(where)) {
    const value = key[dim] ?? null
    const wants = Array.isArray(want) ? want : [want]
    if (wants.includes('*')) {
      if (PRESENT_ABSENT.has(value)) return false
    } else if (value === null || !wants.includes(value)) return false
  }
  return true
}

const headerOf = (t: TemplateTable, year: number): Cell[][] => [
  ...t.header.map((row) => row.map((c) => ({ v: withYears(c.text, year), s: 'head' as const, colspan: c.colspan, rowspan: c.rowspan }))),
]

const numberRow = (count: number): Cell[] => Array.from({ length: count }, (_, i) => ({ v: i + 1, s: 'center' as const }))

function shell(t: TemplateTable, year: number): Omit<RenderedTable, 'body' | 'figures' | 'metrics'> {
  const header = headerOf(t, year)
  if (t.numbered) header.push(numberRow(t.widths.length))
  return { code: t.code, section: t.section, kind: t.kind, title: withYears(t.title, year), widths: t.widths, header }
}

// ---------------------------------------------------------------------------------------------- 4.1 and 4.3

interface AppealGroup {
  key: Record<string, string | null>
  sums: AppealSums
}

/** The daily appeal rollup `r`. */
const ad = columnsOf('appeal_day', 'r')

/** Appeals of a year by every dimension 4.1 counts by (from the rollup; policies applied). */
export async function appealGroups(ctx: Appendix7Context, forms: Map<string, string[]>, period: Period): Promise<AppealGroup[]> {
  const conditions = [
    sql<boolean>`${ad('day')} between ${period.from}::date and ${period.to}::date`,
    ...viewConditions('appeals', ctx.scope, {}),
    ...(ctx.policies.countRepeats ? [] : [sql<boolean>`not ${ad('is_repeat')}`]),
  ]
  const rows = await sql<Record<string, string | null>>`
    select ${policyFormSql(forms)} as form, ${ad('topic')}, ${ad('complaint_topic')}, ${ad('request_type')}, ${ad('contract_concluded')}, ${ad('complaint_settled')}::text as complaint_settled,
      ${APPEAL_SUMS_SQL}
    from appeal_day r where ${sql.join(conditions, sql` and `)}
    group by 1, 2, 3, 4, 5, 6`.execute(ctx.db)
  return rows.rows.map((r) => ({
    key: {
      form: r.form ?? null,
      topic: r.topic ?? null,
      complaint_topic: r.complaint_topic ?? null,
      request_type: r.request_type ?? null,
      contract_concluded: r.contract_concluded ?? null,
      complaint_settled: r.complaint_settled ?? null,
    },
    sums: appealSumsOf(r),
  }))
}

function appealFigure(groups: readonly AppealGroup[], id: DashboardMetricId, where: Where[]): number | null {
  const total = totalOf('appeals', [])
  for (const g of groups) if (where.every((w) => matches(g.key, w))) addSums(total, g.sums)
  return figureIn('appeals', id, total)
}

type YearFigure = (id: DashboardMetricId, where: Where[]) => number | null

/** The calls of a year that table 4.3 counts (policy I.4.3: some Appendix 4 categories may be left out). */
async function callTotal(ctx: Appendix7Context, period: Period): Promise<CallSums> {
  const excluded = new Set(ctx.policies.callsExcludeCategories)
  return totalOf(
    'calls',
    (await callSums(ctx.db, ctx.scope, period, {})).filter((g) => !excluded.has(g.key.category ?? '')),
  )
}

/** Which visits figure counts an office's visitors in 4.2 (policy I.4.4). */
export function officeVisitsFigure(policies: ReportPolicies): 'visits.total' | 'visits.served' {
  return policies.officeVisits === 'served' ? 'visits.served' : 'visits.total'
}

/** A log-based cell of a year without a single record: «нет данных», never 0. */
const noDataCell = (): Cell => ({ v: NO_DATA, s: 'center' })

function figuresTable(
  ctx: Appendix7Context,
  t: FiguresTable,
  figureFor: Record<'N-1' | 'N', YearFigure>,
  inputs: InputData,
  present: Record<'N-1' | 'N', boolean>,
): RenderedTable {
  const body: Cell[][] = []
  const figures: FigureValue[] = []
  const metrics = new Set<DashboardMetricId>()
  const years = { 'N-1': ctx.year - 1, N: ctx.year }
  const firstFigureColumn = t.columns.findIndex((c) => c.value === 'figure')
  for (const row of t.rows) {
    const cells: Cell[] = []
    const printedBy = new Map<string, number | null>()
    t.columns.forEach((col, i) => {
      if (col.value === 'code') cells.push({ v: row.code, s: 'center' })
      else if (col.value === 'label') cells.push({ v: row.label, s: row.bold ? 'textBold' : 'text' })
      else if (row.input) {
        if (i !== firstFigureColumn) return
        const text = typeof inputs.current[row.input] === 'string' ? (inputs.current[row.input] as string) : ''
        cells.push({ v: text, s: 'text', colspan: t.columns.length - firstFigureColumn })
        figures.push({ key: `${t.code}|${row.code}`, label: `Таблица ${t.code}, строка ${row.code}`, value: text })
      } else {
        const id = row.figure as DashboardMetricId
        metrics.add(id)
        const where = [row.where, col.where].filter((w): w is Where => Boolean(w))
        const group = JSON.stringify(col.where ?? {})
        let value: number | null
        const missing = col.year !== 'dynamics' && !present[col.year]
        if (col.year === 'dynamics') value = dynamicsOf(printedBy.get(`N-1${group}`) ?? null, printedBy.get(`N${group}`) ?? null, ctx.policies)
        else {
          value = missing ? null : printed(figureFor[col.year](id, where), row.unit)
          printedBy.set(`${col.year}${group}`, value)
        }
        cells.push(missing ? noDataCell() : col.year === 'dynamics' ? dynamicsCell(value, row.bold) : valueCell(value, row.unit, row.bold))
        const yearText = col.year === 'dynamics' ? 'динамика, %' : `${years[col.year]} год`
        figures.push({
          key: `${t.code}|${row.code}|${i + 1}`,
          label: `Таблица ${t.code}, строка ${row.code}, графа ${i + 1}${col.label ? ` (${col.label}, ${yearText})` : ` (${yearText})`}`,
          value: missing ? NO_DATA : value,
        })
      }
    })
    body.push(cells)
  }
  return { ...shell(t, ctx.year), body, figures, metrics: [...metrics] }
}

// ---------------------------------------------------------------------------------------------- 4.2

function officesTable(ctx: Appendix7Context, t: OfficesTable, offices: OfficeRow[], groups: Grouped<VisitSums>[], present: boolean): RenderedTable {
  const byOffice = groupBy('visits', groups, (g) => g.key.office ?? '')
  const total = totalOf('visits', groups)
  const figureId = (id: string): DashboardMetricId => (id === 'visits.total' ? officeVisitsFigure(ctx.policies) : (id as DashboardMetricId))
  const metrics = new Set<DashboardMetricId>()
  const figures: FigureValue[] = []
  const body: Cell[][] = offices.map((office, n) =>
    t.columns.map((col, i): Cell => {
      if (col.value === 'number') return { v: n + 1, s: 'center' }
      if (col.value === 'office') return { v: office[col.field] ?? '', s: 'text' }
      const id = figureId(col.figure)
      metrics.add(id)
      const sums = byOffice.get(office.office_code)
      const value = printed(sums ? figureIn('visits', id, sums) : id === 'visits.total' || id === 'visits.served' ? 0 : null, col.unit)
      figures.push({
        key: `${t.code}|${office.office_code}|${i + 1}`,
        label: `Таблица ${t.code}, офис «${office.name}», графа ${i + 1}${col.label ? ` (${col.label})` : ''}`,
        value: present ? value : NO_DATA,
      })
      return present ? valueCell(value, col.unit) : noDataCell()
    }),
  )
  if (t.total) {
    const label = t.total.label
    const firstFigure = t.columns.findIndex((c) => c.value === 'figure')
    const row: Cell[] = [{ v: label, s: 'textBold', colspan: firstFigure }]
    t.columns.forEach((col, i) => {
      if (col.value !== 'figure') return
      const id = figureId(col.figure)
      const value = printed(figureIn('visits', id, total), col.unit)
      figures.push({
        key: `${t.code}|total|${i + 1}`,
        label: `Таблица ${t.code}, ${label}, графа ${i + 1}${col.label ? ` (${col.label})` : ''}`,
        value: present ? value : NO_DATA,
      })
      row.push(present ? valueCell(value, col.unit, true) : noDataCell())
    })
    body.push(row)
  }
  return { ...shell(t, ctx.year), body, figures, metrics: [...metrics] }
}

// ---------------------------------------------------------------------------------------------- inputs

export interface InputData {
  current: Record<string, unknown>
  previous: Record<string, unknown>
}

export type CompareValues = Record<string, Record<string, number | null>>

export function compareValues(data: Record<string, unknown>): CompareValues {
  const values = data.values
  return values && typeof values === 'object' ? (values as CompareValues) : {}
}

export function listItems(data: Record<string, unknown>): Record<string, string>[] {
  return Array.isArray(data.items) ? (data.items as Record<string, string>[]) : []
}

/** A year's survey figures (all surveys, the user's scope), for the rows of an input table that name one. */
export type SurveyYear = Partial<Record<MetricId, number | null>>

async function surveyYear(ctx: Appendix7Context, period: Period): Promise<SurveyYear> {
  const sums = await surveySums(ctx.db, ctx.scope, period, {})
  return { ...figuresOf('surveys', totalOf('surveys', sums)), 'surveys.conducted': surveysConducted(sums) }
}

/** A survey figure as the form prints it: shares in percent (one decimal), scores with two decimals. */
function printedSurveyFigure(id: MetricId, value: number | null | undefined): number | null {
  if (value === null || value === undefined) return null
  const unit = metricCatalog[id].unit
  if (unit === 'share') return Math.round(value * 1000) / 10
  if (unit === 'score' || unit === 'points') return Math.round(value * 100) / 100
  return value
}

function inputCompareTable(ctx: Appendix7Context, t: InputCompareTable, inputs: InputData, surveys: { before: SurveyYear; now: SurveyYear }): RenderedTable {
  const typedNow = compareValues(inputs.current)
  const typedBefore = compareValues(inputs.previous)
  // a year with survey answers in the product takes its figures from them; a year without, the typed-in values
  const fromSurveys = (year: SurveyYear) => (year['surveys.responses'] ?? 0) > 0
  const valuesOf = (typed: CompareValues, year: SurveyYear): CompareValues =>
    Object.fromEntries(
      t.rows.map((row) => [
        row.code,
        row.figure && fromSurveys(year)
          ? { [t.values[0]!.key]: printedSurveyFigure(row.figure as MetricId, year[row.figure as MetricId]) }
          : (typed[row.code] ?? {}),
      ]),
    )
  const current = valuesOf(typedNow, surveys.now)
  const previous = valuesOf(typedBefore, surveys.before)
  const metrics = t.rows.flatMap((r) => (r.figure ? [r.figure as MetricId] : []))
  const figures: FigureValue[] = []
  const body = t.rows.map((row) => {
    const cells: Cell[] = [
      { v: row.code, s: 'center' },
      { v: row.unit ? `${row.label}, ${row.unit}` : row.label, s: 'text' },
    ]
    t.values.forEach((value, k) => {
      const before = previous[row.code]?.[value.key] ?? null
      const now = current[row.code]?.[value.key] ?? null
      const change = dynamicsOf(before, now, ctx.policies)
      const unit = Number.isInteger(before ?? 0) && Number.isInteger(now ?? 0) ? 'count' : 'decimal'
      cells.push(valueCell(before, unit), valueCell(now, unit), dynamicsCell(change))
      const column = 3 + k * 3
      const what = value.label ? ` (${value.label})` : ''
      figures.push(
        { key: `${t.code}|${row.code}|${column}`, label: `Таблица ${t.code}, строка ${row.code}, графа ${column}${what}, ${ctx.year - 1} год`, value: before },
        { key: `${t.code}|${row.code}|${column + 1}`, label: `Таблица ${t.code}, строка ${row.code}, графа ${column + 1}${what}, ${ctx.year} год`, value: now },
      )
    })
    return cells
  })
  return { ...shell(t, ctx.year), body, figures, metrics }
}

function inputListTable(ctx: Appendix7Context, t: InputListTable, inputs: InputData): RenderedTable {
  const items = listItems(inputs.current)
  const figures: FigureValue[] = []
  const body: Cell[][] = items.map((item, n) => [
    { v: n + 1, s: 'center' as const },
    ...t.fields.map((f) => {
      const text = typeof item[f.key] === 'string' ? item[f.key]! : ''
      figures.push({ key: `${t.code}|${n + 1}|${f.key}`, label: `Таблица ${t.code}, строка ${n + 1}, «${f.label}»`, value: text })
      return { v: text, s: 'text' as const }
    }),
  ])
  if (body.length === 0) body.push([{ v: 'Сведения не внесены', s: 'text', colspan: 1 + t.fields.length }])
  return { ...shell(t, ctx.year), body, figures, metrics: [] }
}

// ---------------------------------------------------------------------------------------------- all tables

export async function loadInputs(db: Db, orgId: string, year: number): Promise<Map<string, InputData>> {
  const rows = await db
    .selectFrom('report_input')
    .select(['year', 'table_code', 'data'])
    .where('org_id', '=', orgId)
    .where('report_id', '=', 'appendix-7')
    .where('year', 'in', [year - 1, year])
    .execute()
  const out = new Map<string, InputData>()
  for (const r of rows) {
    const entry = out.get(r.table_code) ?? { current: {}, previous: {} }
    if (r.year === year) entry.current = r.data as Record<string, unknown>
    else entry.previous = r.data as Record<string, unknown>
    out.set(r.table_code, entry)
  }
  return out
}

export interface Appendix7Tables {
  tables: RenderedTable[]
  /** the register table's template, written row by row by the file (register.server.ts) */
  register: RegisterTable | null
  forms: Map<string, string[]>
  appealGroups: { previous: AppealGroup[]; current: AppealGroup[] }
  /** the year's calls as 4.3 counts them, and its visits, for the checks */
  calls: CallSums
  visits: VisitSums
  /** months with records of each log in N‑1 and N */
  coverage: YearCoverage[]
}

type OfficeRow = {
  office_code: string
  name: string
  office_type: string | null
  address: string | null
  phone_email: string | null
  schedule: string | null
  services: string | null
}

/** Every table of the template except the register, in template order. */
export async function buildTables(ctx: Appendix7Context): Promise<Appendix7Tables> {
  const { zone } = ctx.org
  const current = yearPeriod(ctx.year, zone)
  const previous = yearPeriod(ctx.year - 1, zone)
  const forms = await channelForms(ctx.db, ctx.org.id, ctx.policies)
  const [appealsBefore, appealsNow, inputs, coverage] = await Promise.all([
    appealGroups(ctx, forms, previous),
    appealGroups(ctx, forms, current),
    loadInputs(ctx.db, ctx.org.id, ctx.year),
    coverageOf(ctx.db, ctx.scope, [ctx.year - 1, ctx.year], ctx.asOf, zone),
  ])
  const present = (log: 'appeals' | 'calls') => ({ 'N-1': hasData(coverage, log, ctx.year - 1), N: hasData(coverage, log, ctx.year) })
  const appealsFor = {
    'N-1': (id: DashboardMetricId, w: Where[]) => appealFigure(appealsBefore, id, w),
    N: (id: DashboardMetricId, w: Where[]) => appealFigure(appealsNow, id, w),
  }
  const [callsBefore, callsNow, visitGroups, offices] = await Promise.all([
    callTotal(ctx, previous),
    callTotal(ctx, current),
    visitSums(ctx.db, ctx.scope, current, {}, 'office'),
    ctx.db
      .selectFrom('office')
      .select(['office_code', 'name', 'office_type', 'address', 'phone_email', 'schedule', 'services'])
      .where(({ ref }) => inScope(ref('office.org_id'), ref('office.branch_id'), ctx.scope))
      .orderBy('name')
      .orderBy('office_code')
      .execute(),
  ])
  const callsFor = { 'N-1': (id: DashboardMetricId) => figureIn('calls', id, callsBefore), N: (id: DashboardMetricId) => figureIn('calls', id, callsNow) }
  const surveys = ctx.template.tables.some((t) => t.kind === 'input' && t.mode === 'compare' && t.rows.some((r) => r.figure))
    ? { before: await surveyYear(ctx, previous), now: await surveyYear(ctx, current) }
    : { before: {}, now: {} }
  const tables: RenderedTable[] = []
  let register: RegisterTable | null = null
  for (const t of ctx.template.tables) {
    const data = inputs.get(t.code) ?? { current: {}, previous: {} }
    switch (t.kind) {
      case 'figures':
        tables.push(figuresTable(ctx, t, t.source === 'calls' ? callsFor : appealsFor, data, present(t.source === 'calls' ? 'calls' : 'appeals')))
        break
      case 'offices':
        tables.push(officesTable(ctx, t, offices, visitGroups, hasData(coverage, 'visits', ctx.year)))
        break
      case 'input':
        tables.push(t.mode === 'compare' ? inputCompareTable(ctx, t, data, surveys) : inputListTable(ctx, t, data))
        break
      case 'register':
        register = t
        break
    }
  }
  return {
    tables,
    register,
    forms,
    appealGroups: { previous: appealsBefore, current: appealsNow },
    calls: callsNow,
    visits: totalOf('visits', visitGroups),
    coverage,
  }
}

/** The catalog's words for the figures of a report (for «Определения» and the page). */
export function definitionsOf(tables: readonly RenderedTable[]) {
  const ids = [...new Set(tables.flatMap((t) => t.metrics))]
  return ids.map((id) => ({ id, ...metricCatalog[id] }))
}
