/**
 * What a delivery can carry (issue 18): a view of the product as the file its page downloads, built by the
 * same builders — the dashboard's XLSX, a register's XLSX, Appendix 7 and the supplier report (XLSX or PDF)
 * — for a period, «по состоянию на» its end, in the subscriber's scope. External addresses never get
 * personal data.
 */
import type { Readable } from 'node:stream'
import type { Database } from '#db/client.server.ts'
import { type Scope, inScope } from '#db/scope.server.ts'
import { type Role, hasAnyRole, routeAccess } from '#app/utils/access.ts'
import { buildDashboard } from '#reports/metrics/dashboard-view.server.ts'
import { dashboardWorkbook, registerWorkbook } from '#reports/metrics/exports.server.ts'
import { REGISTERS } from '#reports/metrics/records.server.ts'
import { refreshRollups } from '#reports/metrics/rollups.server.ts'
import { readView } from '#reports/metrics/view.ts'
import { REPORT_TITLES, runReport } from '#reports/registry.server.ts'
import { formatLocalDateTime } from '#reports/time/local-time.ts'

export const MAIL_VIEWS = {
  dashboard: { label: 'Показатели качества обслуживания', formats: ['xlsx'], route: 'dashboard._index.tsx' },
  'register:appeals': { label: 'Журнал обращений', formats: ['xlsx'], route: 'registers.$domain._index.tsx' },
  'register:calls': { label: 'Журнал звонков', formats: ['xlsx'], route: 'registers.$domain._index.tsx' },
  'register:visits': { label: 'Журнал посещений', formats: ['xlsx'], route: 'registers.$domain._index.tsx' },
  'appendix-7': { label: 'Приложение 7', formats: ['xlsx', 'pdf'], route: 'reports.appendix-7._index.tsx' },
  'supplier-standard': { label: 'Соблюдение стандарта гарантирующего поставщика', formats: ['xlsx', 'pdf'], route: 'reports.supplier-standard._index.tsx' },
} as const satisfies Record<string, { label: string; formats: readonly ('xlsx' | 'pdf')[]; route: keyof typeof routeAccess }>
export type MailView = keyof typeof MAIL_VIEWS

export function isMailView(view: string): view is MailView {
  return Object.hasOwn(MAIL_VIEWS, view)
}

/** May a user with these roles receive this view (the same rule as its page)? */
export function mayReceive(roles: readonly Role[], view: MailView): boolean {
  return hasAnyRole(roles, routeAccess[MAIL_VIEWS[view].route])
}

export interface Attachment {
  filename: string
  content: Buffer
  contentType: string
}

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array))
  return Buffer.concat(chunks)
}

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

export interface DeliveryRequest {
  view: MailView
  format: 'xlsx' | 'pdf'
  scope: Scope
  personalData: boolean
  from: string
  to: string
  asOf: Date
  zone: string
  orgName: string
  by: string
}

export async function deliveryAttachment(database: Database, r: DeliveryRequest): Promise<Attachment> {
  const db = database.db
  if (r.view === 'appendix-7' || r.view === 'supplier-standard') {
    const run = await runReport(database, r.scope, r.view, { year: Number(r.to.slice(0, 4)), asOf: r.asOf, format: r.format, by: r.by })
    return { filename: run.fileName, content: await collect(run.stream), contentType: r.format === 'pdf' ? 'application/pdf' : XLSX }
  }
  const { params } = await refreshRollups(database, r.scope.orgId)
  const view = readView(new URLSearchParams({ period: 'custom', from: r.from, to: r.to }), r.zone, Number(r.to.slice(0, 4)))
  const about: [string, string][] = [
    ['Отчёт', MAIL_VIEWS[r.view].label],
    ['Период', `${r.from} — ${r.to} (${r.zone})`],
    ['По состоянию на', formatLocalDateTime(r.asOf, r.zone)],
    ['Доступ', r.scope.branches === 'all' ? 'вся организация' : 'филиалы подписчика'],
    ['Персональные данные', r.personalData ? 'показаны' : 'скрыты'],
    ['Сформирован', `рассылка — ${r.by}`],
  ]
  if (r.view === 'dashboard') {
    const offices = await db
      .selectFrom('office')
      .select(['office_code', 'name'])
      .where(({ ref }) => inScope(ref('office.org_id'), ref('office.branch_id'), r.scope))
      .execute()
    const data = await buildDashboard(db, r.scope, view, r.asOf, params, new Map(offices.map((o) => [o.office_code, o.name])))
    return { filename: `показатели-${r.from}-${r.to}.xlsx`, content: await collect(dashboardWorkbook(data, about)), contentType: XLSX }
  }
  const domain = r.view.slice('register:'.length) as 'appeals' | 'calls' | 'visits'
  const register = REGISTERS[domain]
  const stream = registerWorkbook(db, {
    register,
    records: { scope: r.scope, period: view.period, filter: view.filter, narrowing: view.narrowing, metric: undefined, asOf: r.asOf, zone: r.zone, params },
    personalData: r.personalData,
    about,
  })
  return { filename: `${domain}-${r.from}-${r.to}.xlsx`, content: await collect(stream), contentType: XLSX }
}

export const REPORT_VIEW_TITLES = REPORT_TITLES
