import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { FieldError, FormError } from '#app/components/form-error.tsx'
import { changeRule, findRule } from '#app/models/deadline-rule.server.ts'
import { InputError } from '#reports/errors.ts'
import { getAppContext } from '#app/utils/app-database.server.ts'
import { requireActor, requireRouteAccess } from '#app/utils/auth.server.ts'
import { checkbox, decimalNumber, oneOf, parseInput, refusalOfError, requiredText, text, wholeNumber, z } from '#app/utils/input.ts'
import { APPLIES_LABELS, TERM_UNITS, UNIT_LABELS, describeFilter } from '#app/utils/deadline-labels.ts'

export const meta: MetaFunction = () => [{ title: 'Правило срока — Качество обслуживания' }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireRouteAccess(request, 'rules.$ruleId.tsx')
  const { database, org } = await getAppContext()
  const rule = await findRule(database.db, org.id, params.ruleId ?? '')
  if (!rule) throw new Response('Такого правила нет.', { status: 404 })
  return { rule }
}

const ruleForm = z.object({
  name: requiredText('Укажите название правила.', 200),
  amount: decimalNumber(Number.MIN_VALUE, 1_000_000, 'Срок должен быть положительным числом.'),
  unit: oneOf(TERM_UNITS, 'Неизвестная единица срока.'),
  active: checkbox(),
  isAverage: checkbox(),
  priority: wholeNumber(-1_000_000, 1_000_000, 'Приоритет — целое число (меньше — раньше).'),
  source: text({ max: 500 }),
})

const LABELS = { name: 'Название', amount: 'Срок', unit: 'Единица', priority: 'Приоритет', source: 'Источник' }

export async function action({ request, params, context }: ActionFunctionArgs) {
  const actor = await requireActor({ request, context }, 'rules.$ruleId.tsx')
  const { database } = await getAppContext()
  const before = await findRule(database.db, actor.org.id, params.ruleId ?? '')
  if (!before) throw new Response('Такого правила нет.', { status: 404 })
  const parsed = parseInput(ruleForm, await request.formData(), LABELS)
  if (!parsed.ok) return data({ error: parsed.error, fieldErrors: parsed.fieldErrors }, { status: 400 })
  try {
    await changeRule(database.db, actor, before, parsed.data)
  } catch (error) {
    if (error instanceof InputError) return data(refusalOfError(error), { status: 400 })
    throw error
  }
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
          <FieldError errors={actionData?.fieldErrors} name="name" />
        </label>
        <label>
          Срок
          <input type="text" name="amount" defaultValue={Number(rule.amount)} inputMode="decimal" required />
          <FieldError errors={actionData?.fieldErrors} name="amount" />
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
          <FieldError errors={actionData?.fieldErrors} name="priority" />
        </label>
        <label>
          Источник (пункт документа)
          <input type="text" name="source" defaultValue={rule.source ?? ''} />
          <FieldError errors={actionData?.fieldErrors} name="source" />
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
