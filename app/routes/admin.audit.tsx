import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { Pager } from '#app/components/pager.tsx'
import { AUDIT_PAGE_SIZE, auditChoices, listAudit } from '#app/models/audit.server.ts'
import { getAppContext } from '#app/utils/app-database.server.ts'
import { requireRouteAccess } from '#app/utils/auth.server.ts'
import { auditActionLabel, auditDetailsText, auditObjectText } from '#app/utils/audit-text.ts'
import { formatCount, formatDateTime } from '#reports/format.ts'
import { pageParam } from '#app/utils/page-param.ts'
import { countOf } from '#reports/plural.ts'
import { endOfLocalDay, isDateText, periodOf } from '#reports/metrics/period.ts'

export const meta: MetaFunction = () => [{ title: 'Журнал аудита — Качество обслуживания' }]

const EVENTS = ['событие', 'события', 'событий'] as const

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRouteAccess(request, 'admin.audit.tsx')
  const page = pageParam(request)
  const params = new URL(request.url).searchParams
  const { database, org } = await getAppContext()
  const choices = await auditChoices(database.db, org.id)
  // only values the log has (a typed URL cannot inject anything; an unknown value is ignored)
  const actor = choices.actors.includes(params.get('who') ?? '') ? params.get('who')! : ''
  const action = choices.actions.includes(params.get('what') ?? '') ? params.get('what')! : ''
  const from = isDateText(params.get('from')) ? params.get('from')! : ''
  const to = isDateText(params.get('to')) ? params.get('to')! : ''
  const { rows, total } = await listAudit(database.db, org.id, page, {
    actor: actor || undefined,
    action: action || undefined,
    from: from ? periodOf(from, from, org.time_zone).start : undefined,
    to: to ? endOfLocalDay(to, org.time_zone) : undefined,
  })
  const query = new URLSearchParams(Object.entries({ who: actor, what: action, from, to }).filter(([, v]) => v)).toString()
  return {
    rows,
    total,
    page,
    pageSize: AUDIT_PAGE_SIZE,
    zone: org.time_zone,
    choices,
    filter: { actor, action, from, to },
    query,
    contradictory: Boolean(from && to && from > to),
  }
}

export default function Audit() {
  const { rows, total, page, pageSize, zone, choices, filter, query, contradictory } = useLoaderData<typeof loader>()
  return (
    <>
      <h1>Журнал аудита</h1>
      <Form method="get" className="filters card" data-testid="audit-filter">
        <label>
          Кто
          <select name="who" defaultValue={filter.actor}>
            <option value="">все</option>
            {choices.actors.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </label>
        <label>
          Что
          <select name="what" defaultValue={filter.action}>
            <option value="">все действия</option>
            {choices.actions.map((a) => (
              <option key={a} value={a}>
                {auditActionLabel(a)}
              </option>
            ))}
          </select>
        </label>
        <label>
          С
          <input type="date" name="from" defaultValue={filter.from} />
        </label>
        <label>
          по
          <input type="date" name="to" defaultValue={filter.to} />
        </label>
        <button type="submit">Показать</button>
        {query ? <Link to="/admin/audit">сбросить</Link> : null}
      </Form>
      {contradictory ? (
        <p className="notice warn">Дата «с» позже даты «по»: за такой промежуток событий быть не может.</p>
      ) : (
        <p className="muted" data-testid="audit-total">
          {total ? `Найдено: ${countOf(total, EVENTS)}` : 'Событий с такими условиями нет.'}
          {total > pageSize ? `, по ${formatCount(pageSize)} на странице` : ''}
        </p>
      )}
      <table data-testid="audit">
        <thead>
          <tr>
            <th>Когда</th>
            <th>Кто</th>
            <th>Действие</th>
            <th>Объект</th>
            <th>Подробности</th>
            <th>Адрес</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((e) => (
            <tr key={e.id}>
              <td>{formatDateTime(e.at, zone)}</td>
              <td>{e.actor}</td>
              <td data-action={e.action}>{auditActionLabel(e.action)}</td>
              <td>{auditObjectText(e.object)}</td>
              <td>{auditDetailsText(e.details)}</td>
              <td>{e.ip ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager page={page} total={total} pageSize={pageSize} query={query} />
    </>
  )
}
