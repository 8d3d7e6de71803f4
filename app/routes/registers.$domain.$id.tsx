import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { canSeePersonalData } from '#app/utils/access.ts'
import { getAppContext } from '#app/utils/app-database.server.ts'
import { getScope, requireRouteAccess } from '#app/utils/auth.server.ts'
import { REGISTERS, getRecord } from '#reports/metrics/records.server.ts'
import { cellText } from '#reports/metrics/register-format.ts'

export const meta: MetaFunction = () => [{ title: 'Запись — Качество обслуживания' }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRouteAccess(request, 'registers.$domain.$id.tsx')
  const register = REGISTERS[params.domain as keyof typeof REGISTERS]
  if (!register || !Object.hasOwn(REGISTERS, params.domain ?? '')) throw new Response('Такого журнала нет.', { status: 404 })
  const { database, org } = await getAppContext()
  const record = await getRecord(database.db, register, getScope(user), params.id ?? '')
  if (!record) throw new Response('Такой записи нет или она вам недоступна.', { status: 404 })
  const personalData = canSeePersonalData(user.roles)
  return {
    title: register.title,
    domain: register.domain,
    key: String(record[register.key] ?? ''),
    personalData,
    fields: register.columns.map((c) => ({ label: c.label, value: cellText(c, record[c.id], org.time_zone, personalData), personal: Boolean(c.personal) })),
  }
}

export default function RecordPage() {
  const d = useLoaderData<typeof loader>()
  return (
    <>
      <p>
        <Link to={`/registers/${d.domain}`}>← {d.title}</Link>
      </p>
      <h1>{d.key}</h1>
      <dl className="facts card" data-testid="record">
        {d.fields.map((f) => (
          <div key={f.label} style={{ display: 'contents' }}>
            <dt>{f.label}</dt>
            <dd data-personal={f.personal || undefined}>{f.value || '—'}</dd>
          </div>
        ))}
      </dl>
      {d.personalData ? null : <p className="muted">Персональные данные скрыты: их видят операторы, специалисты по качеству и администраторы.</p>}
    </>
  )
}
