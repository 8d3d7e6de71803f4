import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from '@remix-run/node'
import { FormError } from '#app/components/form-error.tsx'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { recordAudit } from '#app/models/audit.server.ts'
import { InputError } from '#app/models/errors.ts'
import { updateOrganisation } from '#app/models/organisation.server.ts'
import { getAppContext } from '#app/utils/app-database.server.ts'
import { requireRouteAccess } from '#app/utils/auth.server.ts'
import { regime } from '#reports/vocabulary.ts'

export const meta: MetaFunction = () => [{ title: 'Организация — Качество обслуживания' }]

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRouteAccess(request, 'admin.settings.tsx')
  const { org } = await getAppContext()
  return { name: org.name, timeZone: org.time_zone, regime: org.regime }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const admin = await requireRouteAccess(request, 'admin.settings.tsx')
  const { database, org } = await getAppContext()
  const form = await request.formData()
  const settings = {
    name: String(form.get('name') ?? ''),
    timeZone: String(form.get('timeZone') ?? '').trim(),
    regime: String(form.get('regime') ?? '') as 'network' | 'supplier' | 'both',
  }
  try {
    await updateOrganisation(database.db, org.id, settings)
  } catch (error) {
    if (error instanceof InputError) return data({ error: error.message, saved: false }, { status: 400 })
    throw error
  }
  await recordAudit(database.db, {
    orgId: org.id, userId: admin.id, actor: admin.login, action: 'settings.update', object: 'организация',
    details: { before: { name: org.name, timeZone: org.time_zone, regime: org.regime }, after: settings }, ip: context?.ip,
  })
  return { error: null, saved: true }
}

export default function Settings() {
  const settings = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  return (
    <>
      <h1>Организация</h1>
      <Form method="post" className="stack card">
        <label>
          Название
          <input type="text" name="name" defaultValue={settings.name} required />
        </label>
        <label>
          Часовой пояс (IANA, например Europe/Moscow, Asia/Yekaterinburg)
          <input type="text" name="timeZone" defaultValue={settings.timeZone} required />
        </label>
        <label>
          Режим
          <select name="regime" defaultValue={settings.regime}>
            {Object.entries(regime).map(([code, term]) => (
              <option key={code} value={code}>
                {term.label}
              </option>
            ))}
          </select>
        </label>
        <FormError message={actionData?.error} />
        {actionData?.saved ? <p className="notice ok">Сохранено.</p> : null}
        <button type="submit">Сохранить</button>
      </Form>
    </>
  )
}
