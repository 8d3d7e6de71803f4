import { cachedView } from '#app/utils/view-cache.server.ts'
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData, useLocation } from '@remix-run/react'
import { DataTable } from '#app/components/data-table.tsx'
import { ViewFilter } from '#app/components/view-filter.tsx'
import { readTableParams } from '#app/utils/table-params.ts'
import { filterOptions, registerContext } from '#app/utils/view.server.ts'
import { metricCatalog } from '#reports/metrics/catalog.ts'
import { listRecords, registerTotal, screenColumns } from '#reports/metrics/records.server.ts'
import { recordHref } from '#app/utils/register-back.ts'
import { cellText } from '#reports/metrics/register-format.ts'
import { periodLabel, viewQuery } from '#reports/metrics/view.ts'
import { appealTopic, callCategory, labelOf, serviceKind } from '#reports/vocabulary.ts'

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.title ?? 'Журнал'} — Качество обслуживания` }]

// everything this page shows comes from watched data: whole pages may be answered from the page cache (ADR 023)
export const handle = { pageCache: true }

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { ctx, register, metric, records, personalData } = await registerContext(request, params.domain, 'registers.$domain._index.tsx')
  const sortable = register.columns.filter((c) => c.sort).map((c) => c.id)
  const table = readTableParams(new URL(request.url).searchParams, sortable, { sort: register.defaultSort, dir: 'desc' })
  const [rows, total] = await Promise.all([
    listRecords(ctx.database.db, register, records, table),
    cachedView(
      ctx.database,
      {
        view: 'register-total',
        scope: ctx.scope,
        params: { domain: register.domain, period: records.period, filter: records.filter, narrowing: records.narrowing, metric: records.metric ?? null },
        asOfNow: true,
        periodEnd: records.period.end,
      },
      () => registerTotal(ctx.database.db, register, records),
    ),
  ])
  const zone = ctx.org.time_zone
  const n = ctx.view.narrowing
  const narrowed = [
    n.topic ? `тема «${labelOf(appealTopic, n.topic)}»` : null,
    n.category ? (n.category === 'none' ? 'без категории' : `категория ${n.category} «${labelOf(callCategory, n.category)}»`) : null,
    n.line ? (n.line === 'none' ? 'линия не указана' : `линия ${n.line}`) : null,
    n.direction ? (n.direction === 'in' ? 'входящие' : 'исходящие') : null,
    n.serviceKind ? `услуга «${labelOf(serviceKind, n.serviceKind)}»` : null,
  ].filter(Boolean)
  return {
    title: register.title,
    domain: register.domain,
    metric: metric ? { id: metric, label: metricCatalog[metric].label, definition: metricCatalog[metric].definition } : null,
    narrowed,
    columns: screenColumns(register).map((c) => ({ id: c.id, label: c.label, sortable: Boolean(c.sort), numeric: c.kind === 'seconds' })),
    rows: rows.map((r) => {
      const out: Record<string, string> & { id: string } = { id: r.id }
      for (const c of register.columns) out[c.id] = cellText(c, r[c.id], zone, personalData)
      return out
    }),
    total,
    table,
    personalData,
    periodText: periodLabel(ctx.view),
    query: viewQuery(ctx.view, { metric }),
    view: {
      kind: ctx.view.kind,
      year: ctx.view.year,
      quarter: ctx.view.quarter,
      month: ctx.view.month,
      from: ctx.view.period.from,
      to: ctx.view.period.to,
      filter: ctx.view.filter,
    },
    keep: { metric, ...ctx.view.narrowing },
    options: filterOptions(ctx),
  }
}

export default function RegisterPage() {
  const d = useLoaderData<typeof loader>()
  const location = useLocation()
  const sortQuery = `&sort=${d.table.sort}&dir=${d.table.dir}`
  return (
    <>
      <h1>{d.title}</h1>
      <nav className="subnav">
        <Link to="/registers/appeals">Обращения</Link> · <Link to="/registers/calls">Звонки</Link> · <Link to="/registers/visits">Посещения</Link> ·{' '}
        <Link to={`/dashboard?${d.query.replace(/&?metric=[^&]*/, '')}`}>к показателям</Link>
      </nav>
      <ViewFilter view={d.view} options={d.options} keep={d.keep} />
      <div className="card" data-testid="register-what">
        {d.metric ? (
          <p>
            Записи показателя <strong>«{d.metric.label}»</strong>: {d.metric.definition}
          </p>
        ) : (
          <p>Все записи периода.</p>
        )}
        <p className="muted">
          {d.periodText}
          {d.narrowed.length ? `; ${d.narrowed.join(', ')}` : ''}
          {d.personalData ? '' : '; персональные данные скрыты'}.{' '}
          <a href={`/registers/${d.domain}/export.xlsx?${d.query}${sortQuery}`} download data-testid="download">
            Скачать XLSX (все {d.total.toLocaleString('ru-RU')} записей)
          </a>
        </p>
      </div>
      <DataTable
        columns={d.columns}
        rows={d.rows}
        total={d.total}
        params={d.table}
        rowLink={(row) => recordHref(d.domain, row.id, location)}
        testId="register"
      />
    </>
  )
}
