import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { FormError } from '#app/components/form-error.tsx'
import { recordAudit } from '#app/models/audit.server.ts'
import { addOwnDay, addOwnYear, listCalendarDays, listCalendarYears, removeOwnDay } from '#app/models/calendar.server.ts'
import { InputError } from '#reports/errors.ts'
import { getAppContext } from '#app/utils/app-database.server.ts'
import { requireRouteAccess } from '#app/utils/auth.server.ts'
import { CALENDAR_KINDS, CALENDAR_KIND_LABELS } from '#app/utils/deadline-labels.ts'
import { localParts } from '#reports/time/local-time.ts'
import { recomputeAppealDueDates } from '#reports/deadlines/rules.server.ts'

export const meta: MetaFunction = () => [{ title: 'Производственный календарь — Качество обслуживания' }]

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRouteAccess(request, 'calendar._index.tsx')
  const { database, org } = await getAppContext()
  const years = await listCalendarYears(database.db, org.id)
  const asked = Number(new URL(request.url).searchParams.get('year'))
  const current = localParts(new Date(), org.time_zone).year
  const year = Number.isInteger(asked) && asked >= 2000 && asked <= 2099 ? asked : current
  return { years, year, days: await listCalendarDays(database.db, org.id, year) }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRouteAccess(request, 'calendar._index.tsx')
  const { database, org } = await getAppContext()
  const form = await request.formData()
  const intent = String(form.get('intent') ?? '')
  let details: Record<string, unknown>
  try {
    if (intent === 'add-day') {
      const day = await addOwnDay(database.db, org.id, {
        day: String(form.get('day') ?? ''),
        kind: String(form.get('kind') ?? ''),
        note: String(form.get('note') ?? ''),
      })
      details = { added: day, kind: form.get('kind') }
    } else if (intent === 'remove-day') {
      await removeOwnDay(database.db, org.id, String(form.get('dayId') ?? ''))
      details = { removed: form.get('dayId') }
    } else if (intent === 'add-year') {
      const year = Number(form.get('year'))
      await addOwnYear(database.db, org.id, {
        year,
        holidays: String(form.get('holidays') ?? ''),
        workingWeekends: String(form.get('workingWeekends') ?? ''),
        source: String(form.get('source') ?? ''),
      })
      details = { year }
    } else {
      return data({ error: 'Неизвестное действие.', recomputed: null }, { status: 400 })
    }
  } catch (error) {
    if (error instanceof InputError) return data({ error: error.message, recomputed: null }, { status: 400 })
    throw error
  }
  // the calendar changed: every appeal's due date is counted again
  const recomputed = await recomputeAppealDueDates(database.db, org.id, org.time_zone)
  await recordAudit(database.db, {
    orgId: org.id,
    userId: user.id,
    actor: user.login,
    action: 'calendar.update',
    object: 'производственный календарь',
    details: { intent, ...details, recomputed },
    ip: context?.ip,
  })
  return { error: null, recomputed }
}

export default function Calendar() {
  const { years, year, days } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  return (
    <>
      <h1>Производственный календарь</h1>
      <p className="muted">
        Рабочие дни — пн–пт, кроме праздников и перенесённых выходных, плюс рабочие субботы и воскресенья. Для дат вне загруженных лет сроки считаются по пн–пт,
        и отчёты об этом предупреждают. После изменения сроки всех обращений пересчитываются.
      </p>
      {actionData?.recomputed !== null && actionData?.recomputed !== undefined ? (
        <p className="notice ok">Сохранено. Пересчитано сроков обращений: {actionData.recomputed.toLocaleString('ru-RU')}.</p>
      ) : null}
      <FormError message={actionData?.error} />
      <h2>Загруженные годы</h2>
      <p data-testid="years">
        {years.map((y) => (
          <span key={`${y.year}-${y.orgId ?? 'f'}`}>
            <Link to={`?year=${y.year}`}>{y.year}</Link>
            {y.orgId ? ' (свой)' : ''}
            {y.verified ? '' : ' (не подтверждён)'}{' '}
          </span>
        ))}
      </p>
      <h2>{year} год: особые дни</h2>
      <table data-testid="days">
        <thead>
          <tr>
            <th>Дата</th>
            <th>Вид</th>
            <th>Откуда</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {days.map((d) => (
            <tr key={d.id}>
              <td>{d.day.split('-').reverse().join('.')}</td>
              <td>{CALENDAR_KIND_LABELS[d.kind] ?? d.kind}</td>
              <td>{d.orgId ? `организация${d.note ? `: ${d.note}` : ''}` : 'федеральный календарь'}</td>
              <td>
                {d.orgId ? (
                  <Form method="post">
                    <input type="hidden" name="intent" value="remove-day" />
                    <input type="hidden" name="dayId" value={d.id} />
                    <button type="submit" className="link">
                      удалить
                    </button>
                  </Form>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Добавить свой день (например, региональный праздник)</h2>
      <Form method="post" className="stack card">
        <input type="hidden" name="intent" value="add-day" />
        <label>
          Дата (ДД.ММ.ГГГГ)
          <input type="text" name="day" required />
        </label>
        <label>
          Вид
          <select name="kind" defaultValue="holiday">
            {CALENDAR_KINDS.map((k) => (
              <option key={k} value={k}>
                {CALENDAR_KIND_LABELS[k]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Пояснение
          <input type="text" name="note" />
        </label>
        <button type="submit">Добавить</button>
      </Form>
      <h2>Добавить год</h2>
      <Form method="post" className="stack card">
        <input type="hidden" name="intent" value="add-year" />
        <label>
          Год
          <input type="text" name="year" inputMode="numeric" required />
        </label>
        <label>
          Нерабочие дни, выпадающие на пн–пт (по одной дате в строке)
          <textarea name="holidays" rows={6} />
        </label>
        <label>
          Рабочие субботы и воскресенья
          <textarea name="workingWeekends" rows={2} />
        </label>
        <label>
          Источник (постановление о переносе выходных)
          <input type="text" name="source" />
        </label>
        <button type="submit">Добавить год</button>
      </Form>
    </>
  )
}
