import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { listRules } from '#app/models/deadline-rule.server.ts'
import { getAppContext } from '#app/utils/app-database.server.ts'
import { requireRouteAccess } from '#app/utils/auth.server.ts'
import { APPLIES_LABELS, FIELD_LABELS, describeFilter, termText } from '#app/utils/deadline-labels.ts'

export const meta: MetaFunction = () => [{ title: 'Правила сроков — Качество обслуживания' }]

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRouteAccess(request, 'rules._index.tsx')
  const { database, org } = await getAppContext()
  return { rules: await listRules(database.db, org.id) }
}

export default function Rules() {
  const { rules } = useLoaderData<typeof loader>()
  return (
    <>
      <h1>Правила сроков</h1>
      <p className="muted">
        Сроки считаются по ГК РФ (ст. 191, 193): дни — со дня, следующего за началом; последний нерабочий день переносится на ближайший рабочий; срок истекает в
        24:00 по времени организации. Рабочие дни — по производственному календарю. Изменение правила пересчитывает сроки всех обращений.
      </p>
      <table data-testid="rules">
        <thead>
          <tr>
            <th>Правило</th>
            <th>К чему</th>
            <th>Условие</th>
            <th>От — до</th>
            <th className="num">Срок</th>
            <th>Источник</th>
            <th>Действует</th>
          </tr>
        </thead>
        <tbody>
          {rules.map((r) => (
            <tr key={r.id}>
              <td>
                <Link to={`/rules/${r.id}`}>{r.name}</Link>
              </td>
              <td>{APPLIES_LABELS[r.appliesTo]}</td>
              <td>{describeFilter(r.filter)}</td>
              <td>
                {FIELD_LABELS[r.startField] ?? r.startField} — {FIELD_LABELS[r.stopField] ?? r.stopField}
              </td>
              <td className="num">
                {termText(Number(r.amount), r.unit)}
                {r.isAverage ? ' (в среднем)' : ''}
              </td>
              <td>{r.source}</td>
              <td>{r.active ? 'да' : 'нет'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  )
}
