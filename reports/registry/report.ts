/** What a report module is (the registry, reports/registry.server.ts; ADR 026): its types and the lines every file shares. */
import type { Readable } from 'node:stream'
import type { z } from 'zod'
import type { Database } from '#db/client.server.ts'
import type { Scope } from '#db/scope.server.ts'
import type { RollupParams } from '#reports/metrics/rollups.server.ts'
import type { View } from '#reports/metrics/view.ts'
import type { SheetFormat } from '#reports/sheet-writer/writer.server.ts'
import type { BatchLink, Survey } from '#reports/surveys/questions.ts'
import type { WorkList } from '#reports/worklist/worklist.server.ts'
import type { FileNameParts } from './file-names.ts'

/** A report file's format: the spreadsheets, the PDF that is signed and sent, a published page, a plain table. */
export type ReportFormat = SheetFormat | 'pdf' | 'html' | 'csv'

export const REPORT_CONTENT_TYPE: Record<ReportFormat, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
  pdf: 'application/pdf',
  html: 'text/html; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
}

/**
 * What a report about one thing is about, found (and refused when the user may not have it) by the app
 * before the module runs (`app/utils/report-subjects.server.ts`): a survey, a batch of its links with the
 * links of the user's branches, the user's work list as the page shows it, an import's rejections.
 */
export interface ReportSubjects {
  survey: { survey: Survey }
  'survey-batch': {
    survey: Survey
    batch: { id: string; delivery: string; created: number; created_by_name: string; created_at: Date; closed_from: string; closed_to: string }
    links: AsyncIterable<BatchLink[]>
    /** the public address of a link (PUBLIC_URL or the request's origin) */
    urlOf(token: string): string
  }
  worklist: { list: WorkList; days: number }
  'import-rejections': {
    batch: { id: string }
    /** every itemised rejection, the column by its Russian label; values of personal columns only to roles that may see them */
    rows: readonly { line: number | null; column: string; value: string | null; reason: string }[]
  }
}
export type SubjectKind = keyof ReportSubjects
export type Subject = { [K in SubjectKind]: { kind: K } & ReportSubjects[K] }[SubjectKind]

/** The subject of a report's context, of the kind the module declared (`subject`). */
export function subjectOf<K extends SubjectKind>(ctx: ReportContext, kind: K): Extract<Subject, { kind: K }> {
  if (ctx.subject?.kind !== kind) throw new Error(`the report needs its ${kind}`)
  return ctx.subject as Extract<Subject, { kind: K }>
}

/** A report cannot be made for what was asked (no such snapshot, or not the user's): answered with 404. */
export class ReportNotFound extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ReportNotFound'
  }
}

export type Facts = readonly (readonly [string, string])[]

/** What every report is asked with: who, where, when; a yearly report its year, a view report the screen's view. */
export interface ReportContext {
  database: Database
  scope: Scope
  org: { id: string; name: string; zone: string }
  /** the moment the figures and deadlines are judged at («по состоянию на») */
  asOf: Date
  /** who asked, for «Сформирован» and the audit («Иванов И. И. (ivanov)», «admin (командная строка)») */
  by: string
  personalData: boolean
  /** a yearly report's year (the current year for a report that reads none) */
  year: number
  /** a view report's period and filters, the rollups' thresholds and the offices the user may see (code → name) */
  view?: View
  rollups?: RollupParams
  offices?: Map<string, string>
  /**
   * «О файле» of the screen the file comes from (period, filters, the user's access, who and when): the page
   * knows it; without it (mail, command line) a report writes its own lines.
   */
  describe?: (title: string, extra?: Facts) => Facts
  /** what a report about one thing is about (its module's `subject`) */
  subject?: Subject
}

/**
 * One report. `P` is what its parameters schema reads from the URL (beyond the year or the view), `D` what
 * `prepare` computes once for every format.
 */
export interface ReportModule<P = unknown, D = unknown> {
  id: string
  title: string
  /** the card of the reports page (no card: the file is downloaded from its own screen) */
  card?: { href: string; text: string }
  /** where a report without a card is downloaded, in words (the reports page lists it) */
  from?: string
  /** the page (app/routes) whose access rule the file follows */
  page: string
  /**
   * `year`: a year and an «as of» day (the regulator's forms); `view`: the dashboard's period and filters;
   * `none`: neither (a stored file, the work list «как сейчас»)
   */
  input: 'year' | 'view' | 'none'
  /** the thing the report is about, found by the app before `prepare` (`ctx.subject`, `subjectOf`) */
  subject?: SubjectKind
  formats: readonly ReportFormat[]
  params: z.ZodType<P>
  prepare(ctx: ReportContext, params: P): Promise<D>
  /** «О файле» */
  about(ctx: ReportContext, params: P, data: D): Facts
  name(ctx: ReportContext, params: P, data: D): Omit<FileNameParts, 'ext'>
  /** a stored file keeps the name it was stored under (frozen Appendix 7): the whole name, instead of `name` */
  fileName?(ctx: ReportContext, params: P, data: D, format: ReportFormat): string
  write: Partial<Record<ReportFormat, (data: D, about: Facts, ctx: ReportContext) => Readable | Promise<Readable>>>
  /** the checks (Appendix 7) or verdicts (supplier standard) in words, a line each, and how many failed */
  summary?(data: D): { lines: string[]; failed: number }
  /** what the audit record keeps of the request (`object`: what it names; the rest its details) */
  audit?(ctx: ReportContext, params: P, data: D, format: ReportFormat): Record<string, unknown>
  /** the audit action (default: `report.download` for a yearly report, `export` for the others) */
  auditAction?: string
}

/** «Сформирован»: now, on the organisation's clock (not the server's), and by whom. */
export function generatedLine(zone: string, by: string, now = new Date()): readonly [string, string] {
  return [
    'Сформирован',
    `${now.toLocaleString('ru-RU', { timeZone: zone, day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' })} по времени организации (${zone}) — ${by}`,
  ]
}

/** A report module, its id kept as a literal type (the registry's `ReportId`) and its parameters and data inferred. */
export function defineReport<const Id extends string, P, D>(module: ReportModule<P, D> & { id: Id }): ReportModule<P, D> & { id: Id } {
  return module
}

const day = (d: string) => d.split('-').reverse().join('.')

/**
 * «О файле» of a view report asked without a screen (mail, command line): what, for whom, the period, «по
 * состоянию на», the access and personal data, who made it; a page passes its own fuller lines (`describe`).
 */
export function viewFacts(ctx: ReportContext, title: string, extra: Facts = []): Facts {
  const period = ctx.view!.period
  const at = ctx.asOf.toLocaleString('ru-RU', { timeZone: ctx.org.zone, day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' })
  if (ctx.describe) return ctx.describe(title, extra)
  return [
    ['Отчёт', title],
    ['Организация', ctx.org.name],
    ['Период', `${day(period.from)} — ${day(period.to)} (${ctx.org.zone})`],
    ['По состоянию на', at.replace(',', '')],
    ['Доступ', ctx.scope.branches === 'all' ? 'вся организация' : 'филиалы пользователя'],
    ['Персональные данные', ctx.personalData ? 'показаны' : 'скрыты'],
    ['Сформирован', ctx.by],
    ...extra,
  ]
}
