import { createReadableStreamFromReadable } from '@remix-run/node'
import type { SessionUser } from '#app/models/user.server.ts'
import { type Scope, inScope } from '#db/scope.server.ts'
import { latestAppealYear } from '#reports/deadlines/compliance.server.ts'
import { type RollupParams, refreshRollups } from '#reports/metrics/rollups.server.ts'
import { FILTER_LABELS, type View, periodLabel, readView, rejectedFilters } from '#reports/metrics/view.ts'
import { appealForm, consumerType, labelOf } from '#reports/vocabulary.ts'
import { formatDateTime } from '#reports/format.ts'
import { localParts } from '#reports/time/local-time.ts'
import { type AppContext, getAppContext } from './app-database.server.ts'
import { cachedView } from './view-cache.server.ts'
import { getScope, requireRouteAccess } from './auth.server.ts'
import { type RouteId, canSeePersonalData } from './access.ts'
import { opensRegister } from '#reports/metrics/catalog.ts'
import { REGISTERS, type RecordContext } from '#reports/metrics/records.server.ts'
import { zoneLabel } from '#app/utils/zones.ts'
import { contentDisposition } from '#reports/registry/file-names.ts'

/** «2025-03-01» → «01.03.2025» (files for people). */
const formatDay = (day: string) => day.split('-').reverse().join('.')

export interface ViewContext extends AppContext {
  user: SessionUser
  scope: Scope
  view: View
  asOf: Date
  params: RollupParams
  /** office code → name, of the offices the user may see */
  offices: Map<string, string>
  /** office code → its branch (the filter bar's office list follows the chosen branch) */
  officeBranch: Map<string, string | null>
  branches: { id: string; name: string }[]
}

/**
 * The common start of a dashboard or register request: access, scope, the view from the URL (default: the
 * year of the latest appeal the user may see), and up-to-date rollups.
 */
export async function viewContext(
  request: Request,
  route: RouteId,
  defaults?: (ctx: AppContext & { scope: Scope }) => Promise<Record<string, string>>,
): Promise<ViewContext> {
  const user = await requireRouteAccess(request, route)
  const scope = getScope(user)
  const context = await getAppContext()
  const { database, org } = context
  // the rollups are refreshed and the scope's lists read once per data generation (view-cache.server.ts)
  const { params, year, offices, branches } = await cachedView(database, { view: 'view-context', scope, params: null, light: true }, async () => {
    const { params } = await refreshRollups(database, org.id)
    const year = (await latestAppealYear(database.db, scope, org.time_zone)) ?? localParts(new Date(), org.time_zone).year
    const [offices, branches] = await Promise.all([
      database.db
        .selectFrom('office')
        .select(['office_code', 'name', 'branch_id'])
        .where(({ ref }) => inScope(ref('office.org_id'), ref('office.branch_id'), scope))
        .orderBy('name')
        .execute(),
      database.db
        .selectFrom('branch')
        .select(['id', 'name'])
        .where(({ ref }) => inScope(ref('branch.org_id'), ref('branch.id'), scope))
        .orderBy('name')
        .execute(),
    ])
    return { params, year, offices, branches }
  })
  const search = new URL(request.url).searchParams
  // a page may choose the period shown when the URL does not (a survey: its own days)
  if (defaults && !search.has('period') && !search.has('year')) for (const [k, v] of Object.entries(await defaults({ ...context, scope }))) search.set(k, v)
  const view = readView(search, org.time_zone, year)
  // a filter value that cannot be read, or an office or branch the user does not have, is an error: quietly
  // dropping it would show more than was asked for (the whole organisation instead of one office)
  const rejected: string[] = rejectedFilters(search)
  if (view.filter.office && !offices.some((o) => o.office_code === view.filter.office)) rejected.push('office')
  if (view.filter.branch && !branches.some((b) => b.id === view.filter.branch)) rejected.push('branch')
  if (rejected.length) {
    const names = [...new Set(rejected)].map((k) => `«${FILTER_LABELS[k as keyof typeof FILTER_LABELS]}»`).join(', ')
    throw new Response(`Неизвестное значение фильтра: ${names}. Выберите значение из списка на странице.`, {
      status: 400,
      headers: { 'Content-Type': 'text/plain; charset=utf-8' },
    })
  }
  return {
    ...context,
    user,
    scope,
    view,
    asOf: new Date(),
    params,
    offices: new Map(offices.map((o) => [o.office_code, o.name])),
    officeBranch: new Map(offices.map((o) => [o.office_code, o.branch_id])),
    branches,
  }
}

/** The options of the filter bar, for the screen. */
export function filterOptions(ctx: ViewContext) {
  return {
    branches: ctx.branches,
    offices: [...ctx.offices.entries()].map(([code, name]) => ({ code, name, branch: ctx.officeBranch.get(code) ?? null })),
    /** a user of some branches: «все» means all of theirs */
    scoped: ctx.scope.branches !== 'all',
  }
}

const DOMAINS = ['appeals', 'calls', 'visits'] as const

/** A register request: the domain from the path (404 otherwise), the figure whose records it lists (if any). */
export async function registerContext(request: Request, domainParam: string | undefined, route: RouteId) {
  if (!DOMAINS.includes(domainParam as (typeof DOMAINS)[number])) throw new Response('Такого журнала нет.', { status: 404 })
  const ctx = await viewContext(request, route)
  const register = REGISTERS[domainParam as (typeof DOMAINS)[number]]
  const asked = new URL(request.url).searchParams.get('metric') ?? ''
  const metric = opensRegister(asked, register.domain) ? asked : undefined
  const records: RecordContext = {
    scope: ctx.scope,
    period: ctx.view.period,
    filter: ctx.view.filter,
    narrowing: ctx.view.narrowing,
    metric,
    asOf: ctx.asOf,
    zone: ctx.org.time_zone,
    params: ctx.params,
  }
  return { ctx, register, metric, records, personalData: canSeePersonalData(ctx.user.roles) }
}

/** «О файле»: what the file is, for which period and filters, made when and by whom. */
export function aboutFacts(ctx: ViewContext, what: string, extra: readonly (readonly [string, string])[] = []): (readonly [string, string])[] {
  const f = ctx.view.filter
  const n = ctx.view.narrowing
  const branch = f.branch ? (ctx.branches.find((b) => b.id === f.branch)?.name ?? f.branch) : 'все'
  const office = f.office ? (ctx.offices.get(f.office) ?? f.office) : 'все'
  const narrowed = Object.entries(n)
    .filter(([, v]) => v)
    .map(([k, v]) => `${FILTER_LABELS[k as keyof typeof FILTER_LABELS] ?? 'уточнение'}: ${v}`)
    .join(', ')
  return [
    ['Отчёт', what],
    ['Организация', ctx.org.name],
    ['Период', `${periodLabel(ctx.view)} (${formatDay(ctx.view.period.from)} — ${formatDay(ctx.view.period.to)}, время: ${zoneLabel(ctx.org.time_zone)})`],
    ['Сравнение', `${formatDay(ctx.view.previous.from)} — ${formatDay(ctx.view.previous.to)}`],
    ['Филиал', branch],
    ['Офис', office],
    ['Форма обслуживания', f.form ? labelOf(appealForm, f.form) : 'все'],
    ['Тип потребителя', f.consumerType ? labelOf(consumerType, f.consumerType) : 'все'],
    ...(narrowed ? [['Уточнение', narrowed] as [string, string]] : []),
    ['Доступ пользователя', ctx.scope.branches === 'all' ? 'вся организация' : `филиалы: ${ctx.branches.map((b) => b.name).join(', ') || 'нет'}`],
    ['Порог короткого сброса, с', String(ctx.params.shortAbandonSeconds)],
    ['Порог уровня обслуживания, с', String(ctx.params.serviceLevelSeconds)],
    ['Сроки оценены на', formatDateTime(ctx.asOf, ctx.org.time_zone)],
    ['Сформирован', formatDateTime(new Date(), ctx.org.time_zone)],
    ['Сформировал', `${ctx.user.fullName} (${ctx.user.login})`],
    ...extra,
  ]
}

/** A file as a download response: a stream (sent as it is written) or bytes; its name in UTF-8 and in ASCII letters (reports/registry/file-names.ts). */
export function fileResponse(body: import('node:stream').Readable | Buffer, fileName: string, contentType: string): Response {
  return new Response(Buffer.isBuffer(body) ? new Uint8Array(body) : createReadableStreamFromReadable(body), {
    headers: {
      'Content-Type': contentType,
      'Content-Disposition': contentDisposition(fileName),
      'Cache-Control': 'no-store',
    },
  })
}

/** An XLSX stream as a download response. */
export function xlsxResponse(stream: import('node:stream').Readable, fileName: string): Response {
  return fileResponse(stream, fileName, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
}
