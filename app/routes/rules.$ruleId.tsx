import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { FormError } from '#app/components/form-error.tsx'
import { recordAudit } from '#app/models/audit.server.ts'
import { findRule, updateRule } from '#app/models/deadline-rule.server.ts'
import { InputError } from '#reports/errors.ts'
import { getAppContext } from '#app/utils/app-database.server.ts'
import { requireRouteAccess } from '#app/utils/auth.server.ts'
import { APPLIES_LABELS, UNIT_LABELS, describeFilter } from '#app/utils/deadline-labels.ts'
import { recomputeAppealDueDates } from '#reports/deadlines/rules.server.ts'

export const meta: MetaFunction = () => [{ title: 'Правило срока — Качество обслуживания' }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireRouteAccess(request, 'rules.$ruleId.tsx')
  const { database, org } = await getAppContext()
  const rule = await findRule(database.db, org.id, params.ruleId ?? '')
  if (!rule) throw new Response('Такого правила нет.', { status: 404 })
  return { rule }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireRouteAccess(request, 'rules.$ruleId.tsx')
  const { database, org } = await getAppContext()
  const before = await findRule(database.db, org.id, params.ruleId ?? '')
  if (!before) throw new Response('Такого правила нет.', { status: 404 })
  const form = await request.formData()
  const change = {
    name: String(form.get('name') ?? ''),
    amount: Number(String(form.get('amount') ?? '').replace(',', '.')),
    unit: String(form.get('unit') ?? ''),
    active: form.get('active') === 'on',
    isAverage: form.get('isAverage') === 'on',
    priority: Number(form.get('priority')),
    source: String(form.get('source') ?? ''),
  }
  try {
    await updateRule(database.db, org.id, before.id, change)
  } catch (error) {
    if (error instanceof InputError) return data({ error: error.message }, { status: 400 })
    throw error
  }
  const recomputed = before.appliesTo === 'appeals' ? await recomputeAppealDueDates(database.db, org.id, org.time_zone) : 0
  await recordAudit(database.db, {
    orgId: org.id,
    userId: user.id,
    actor: user.login,
    action: 'rule.update',
    object: before.name,
    details: {
      before: {
        name: before.name,
        amount: Number(before.amount),
        unit: before.unit,
        active: before.active,
        isAverage: before.isAverage,
        priority: before.priority,
      },
      after: change,
      recomputed,
    },
    ip: context?.ip,
  })
  return redirect('/rules')
}

export default function EditRule() {
  const { rule } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  return (
    <>
      <p>
        <Link to="/rules">← Правила сроков</Link>
      </p>
      <h1>{rule.name}</h1>
      <p className="muted">
        {APPLIES_LABELS[rule.appliesTo]} · {describeFilter(rule.filter)}
      </p>
      <Form method="post" className="stack card">
        <label>
          Название
          <input type="text" name="name" defaultValue={rule.name} required />
        </label>
        <label>
          Срок
          <input type="text" name="amount" defaultValue={Number(rule.amount)} inputMode="decimal" required />
        </label>
        <label>
          Единица
          <select name="unit" defaultValue={rule.unit}>
            {Object.entries(UNIT_LABELS).map(([code, label]) => (
              <option key={code} value={code}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Приоритет (меньше — проверяется раньше)
          <input type="text" name="priority" defaultValue={rule.priority} inputMode="numeric" required />
        </label>
        <label>
          Источник (пункт документа)
          <input type="text" name="source" defaultValue={rule.source ?? ''} />
        </label>
        <label style={{ display: 'flex', gap: '0.5rem', alignItems: 'center' }}>
          <input type="checkbox" name="isAverage" defaultChecked={rule.isAverage} /> норматив на среднее значение за период
        </label>
        <label style={{ display: 'flex', gap: '0.5rem', alignItems: 'center' }}>
          <input type="checkbox" name="active" defaultChecked={rule.active} /> действует
        </label>
        <FormError message={actionData?.error} />
        <button type="submit">Сохранить и пересчитать сроки</button>
      </Form>
    </>
  )
}
