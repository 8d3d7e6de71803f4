/**
 * What a delivery can carry (issue 18): a view of the product as the file its page downloads, built by the
 * same builders — the dashboard's XLSX, a register's XLSX, Appendix 7 and the supplier report (XLSX or PDF)
 * — for a period, «по состоянию на» its end, in the subscriber's scope. External addresses never get
 * personal data.
 */
import type { Readable } from 'node:stream'
import type { Database } from '#db/client.server.ts'
import type { Scope } from '#db/scope.server.ts'
import { type Role, hasAnyRole, routeAccess } from '#app/utils/access.ts'
import { readView } from '#reports/metrics/view.ts'
import { type Facts, REPORT_TITLES, reportContext, runReport } from '#reports/registry.server.ts'
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

/** A delivery's file: the registry's report (reports/registry.server.ts) for the period, under the registry's file name. */
export async function deliveryAttachment(database: Database, r: DeliveryRequest): Promise<Attachment> {
  const yearly = r.view === 'appendix-7' || r.view === 'supplier-standard'
  const view = yearly ? undefined : readView(new URLSearchParams({ period: 'custom', from: r.from, to: r.to }), r.zone, Number(r.to.slice(0, 4)))
  const ctx = await reportContext(database, r.scope, { year: Number(r.to.slice(0, 4)), view, asOf: r.asOf, by: r.by, personalData: r.personalData })
  // the report's own lines (a register's figure and personal data) replace the mail's lines of the same name
  const about = (title: string, extra: Facts = []): Facts => {
    const own = new Set(extra.map(([key]) => key))
    const lines: Facts = [
      ['Отчёт', title],
      ['Период', `${r.from} — ${r.to} (${r.zone})`],
      ['По состоянию на', formatLocalDateTime(r.asOf, r.zone)],
      ['Доступ', r.scope.branches === 'all' ? 'вся организация' : 'филиалы подписчика'],
      ['Персональные данные', r.personalData ? 'показаны' : 'скрыты'],
    ]
    return [...lines.filter(([key]) => !own.has(key)), ...extra, ['Сформирован', `рассылка — ${r.by}`]]
  }
  const id = yearly ? r.view : r.view === 'dashboard' ? 'dashboard' : 'register'
  const params: Record<string, string> = r.view.startsWith('register:') ? { domain: r.view.slice('register:'.length) } : {}
  const run = await runReport({ ...ctx, describe: (_title, extra) => about(MAIL_VIEWS[r.view].label, extra) }, id, r.format, params)
  return { filename: run.fileName, content: await collect(run.stream), contentType: run.contentType }
}

export const REPORT_VIEW_TITLES = REPORT_TITLES
