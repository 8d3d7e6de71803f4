/**
 * The report registry (issue 19 §6, ADR 026): every file the product hands out for a report is one module
 * (its folder's `report.module.server.ts` or `*.module.server.ts`) with its id, title, parameters (a zod
 * schema over the URL's parameters), `prepare`, a writer per format and its «О файле» lines. The generic
 * download route (`app/routes/files.$report.$format.ts`), the reports page, the mail deliveries and
 * `npm run cli -- report` all go through `runReport`; the file's name follows the one scheme of
 * `reports/registry/file-names.ts`.
 */
import type { Readable } from 'node:stream'
import { inScope } from '#db/scope.server.ts'
import { InputError } from '#reports/errors.ts'
import { refreshRollups } from '#reports/metrics/rollups.server.ts'
import { asciiFileName, fileNameOf } from './registry/file-names.ts'
import { REPORT_CONTENT_TYPE, type ReportContext, type ReportFormat, type ReportModule } from './registry/report.ts'
import { appendix7Report } from '#reports/appendix-7/report.module.server.ts'
import { supplierStandardReport } from '#reports/supplier-standard/report.module.server.ts'
import { dashboardReport } from '#reports/metrics/dashboard.module.server.ts'
import { registerReport } from '#reports/metrics/register.module.server.ts'
import { lostCallsReport } from '#reports/callbacks/lost-calls.module.server.ts'
import { surveyAnswersReport, surveyBatchReport, surveySummaryReport } from '#reports/surveys/survey-files.module.server.ts'
import { workListReport } from '#reports/worklist/worklist.module.server.ts'
import { appendix7SnapshotReport } from '#reports/appendix-7/snapshot.module.server.ts'
import { importRejectionsReport } from '#reports/imports/rejections.module.server.ts'

export { contentDisposition, fileNameOf, asciiFileName } from './registry/file-names.ts'
export {
  REPORT_CONTENT_TYPE,
  ReportNotFound,
  type Facts,
  type ReportContext,
  type ReportFormat,
  type ReportModule,
  type ReportSubjects,
  type Subject,
  type SubjectKind,
  generatedLine,
} from './registry/report.ts'

// the modules' own types stay theirs; the registry holds them as reports of some parameters
type AnyReport = ReportModule<any, any> // eslint-disable-line @typescript-eslint/no-explicit-any

export const REPORTS = [
  appendix7Report,
  supplierStandardReport,
  dashboardReport,
  registerReport,
  lostCallsReport,
  surveySummaryReport,
  surveyAnswersReport,
  surveyBatchReport,
  workListReport,
  appendix7SnapshotReport,
  importRejectionsReport,
] as const satisfies readonly AnyReport[]

export type ReportId = (typeof REPORTS)[number]['id']
export const REPORT_IDS = REPORTS.map((r) => r.id) as ReportId[]
export const REPORT_TITLES = Object.fromEntries(REPORTS.map((r) => [r.id, r.title])) as Record<ReportId, string>

export function reportOf(id: string): AnyReport | undefined {
  return (REPORTS as readonly AnyReport[]).find((r) => r.id === id)
}

export interface ReportRun {
  id: ReportId
  title: string
  /** the Russian name by the scheme, and its ASCII fallback */
  fileName: string
  asciiName: string
  contentType: string
  stream: Readable
  /** the checks (Appendix 7) or the verdicts (supplier standard), a line each */
  summary: string[]
  /** how many consistency checks failed (0 for the others) */
  failedChecks: number
  audit: Record<string, unknown>
  /** the audit record's action */
  auditAction: string
}

/** The URL's parameters of a report as its schema reads them; a refusal names the parameter, in Russian. */
export function reportParams<P>(report: ReportModule<P>, search: URLSearchParams | Record<string, string>): P {
  const raw = search instanceof URLSearchParams ? Object.fromEntries(search) : search
  const parsed = report.params.safeParse(raw)
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((i) => String(i.path[0] ?? '')))].filter(Boolean)
    throw new InputError(`Неверный параметр отчёта «${report.title}»: ${fields.map((f) => `«${f}»`).join(', ') || 'параметры'}.`)
  }
  return parsed.data
}

/** Prepares a report and starts writing it in the format asked; the stream is the file. */
export async function runReport(
  ctx: ReportContext,
  id: string,
  format: ReportFormat,
  search: URLSearchParams | Record<string, string> = {},
): Promise<ReportRun> {
  const report = reportOf(id)
  if (!report) throw new InputError(`Нет отчёта «${id}». Есть: ${REPORT_IDS.join(', ')}.`)
  const write = report.write[format]
  if (!write) throw new InputError(`«${report.title}» выгружается только в ${report.formats.map((f) => f.toUpperCase()).join(', ')}.`)
  if (report.input === 'view' && !ctx.view) throw new Error(`the report ${id} needs a view`)
  if (report.subject && ctx.subject?.kind !== report.subject) throw new Error(`the report ${id} needs its ${report.subject}`)
  const params = reportParams(report, search)
  const data = await report.prepare(ctx, params)
  const about = report.about(ctx, params, data)
  const fileName = report.fileName?.(ctx, params, data, format) ?? fileNameOf({ ...report.name(ctx, params, data), ext: format })
  const summary = report.summary?.(data)
  return {
    id: report.id as ReportId,
    title: report.title,
    fileName,
    asciiName: asciiFileName(fileName),
    contentType: REPORT_CONTENT_TYPE[format],
    stream: await write(data, about, ctx),
    summary: summary?.lines ?? [],
    failedChecks: summary?.failed ?? 0,
    audit: { report: report.id, format, ...report.audit?.(ctx, params, data, format) },
    auditAction: report.auditAction ?? (report.input === 'year' ? 'report.download' : 'export'),
  }
}

/**
 * A report context without a page (command line, mail, tests): the organisation read from the database; a
 * view report also gets fresh rollups and the scope's offices.
 */
export async function reportContext(
  database: ReportContext['database'],
  scope: ReportContext['scope'],
  ask: Pick<ReportContext, 'asOf' | 'by'> & Partial<Pick<ReportContext, 'year' | 'view' | 'personalData' | 'subject'>>,
): Promise<ReportContext> {
  const org = await database.db.selectFrom('organisation').select(['id', 'name', 'time_zone']).where('id', '=', scope.orgId).executeTakeFirstOrThrow()
  const base: ReportContext = {
    database,
    scope,
    org: { id: org.id, name: org.name, zone: org.time_zone },
    asOf: ask.asOf,
    by: ask.by,
    personalData: ask.personalData ?? false,
    year: ask.year ?? ask.view?.year ?? Number(ask.asOf.toISOString().slice(0, 4)),
    ...(ask.subject ? { subject: ask.subject } : {}),
  }
  if (!ask.view) return base
  const { params } = await refreshRollups(database, scope.orgId)
  const offices = await database.db
    .selectFrom('office')
    .select(['office_code', 'name'])
    .where(({ ref }) => inScope(ref('office.org_id'), ref('office.branch_id'), scope))
    .execute()
  return { ...base, view: ask.view, rollups: params, offices: new Map(offices.map((o) => [o.office_code, o.name])) }
}
