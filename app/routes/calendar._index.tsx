import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { FormError } from '#app/components/form-error.tsx'
import { changeCalendar, listCalendarDays, listCalendarYears } from '#app/models/calendar.server.ts'
import { InputError } from '#reports/errors.ts'
import { getAppContext } from '#app/utils/app-database.server.ts'
import { requireActor, requireRouteAccess } from '#app/utils/auth.server.ts'
import { id, oneOf, parseInput, refusalOfError, requiredText, text, wholeNumber, z } from '#app/utils/input.ts'
import { CALENDAR_KINDS, CALENDAR_KIND_LABELS } from '#app/utils/deadline-labels.ts'
import { localParts } from '#reports/time/local-time.ts'

export const meta: MetaFunction = () => [{ title: 'Производственный календарь — Качество обслуживания' }]

const YEAR_OF_URL = wholeNumber(2000, 2099)

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRouteAccess(request, 'calendar._index.tsx')
  const { database, org } = await getAppContext()
  const years = await listCalendarYears(database.db, org.id)
  const current = localParts(new Date(), org.time_zone).year
  const year = YEAR_OF_URL.catch(current).parse(new URL(request.url).searchParams.get('year'))
  return { years, year, days: await listCalendarDays(database.db, org.id, year) }
}

/** The three forms of the page, told apart by `intent`. */
const calendarForm = z.discriminatedUnion(
  'intent',
  [
    z.object({
      intent: z.literal('add-day'),
      day: requiredText('Укажите дату (ДД.ММ.ГГГГ).', 20),
      kind: oneOf(CALENDAR_KINDS, 'Неизвестный вид дня.'),
      note: text({ max: 500 }),
    }),
    z.object({ intent: z.literal('remove-day'), dayId: id('Неверный номер дня.') }),
    z.object({
      intent: z.literal('add-year'),
      year: wholeNumber(2000, 2099, 'Год — от 2000 до 2099.'),
      holidays: text({ max: 20_000 }),
      workingWeekends: text({ max: 20_000 }),
      source: text({ max: 500 }),
    }),
  ],
  { error: 'Неизвестное действие.' },
)

const LABELS = { day: 'Дата', kind: 'Вид', note: 'Пояснение', year: 'Год', holidays: 'Нерабочие дни', workingWeekends: 'Рабочие выходные', source: 'Источник' }

export async function action({ request, context }: ActionFunctionArgs) {
  const actor = await requireActor({ request, context }, 'calendar._index.tsx')
  const { database } = await getAppContext()
  const parsed = parseInput(calendarForm, await request.formData(), LABELS)
  if (!parsed.ok) return data({ error: parsed.error, fieldErrors: parsed.fieldErrors, recomputed: null }, { status: 400 })
  try {
    const { recomputed } = await changeCalendar(database.db, actor, parsed.data)
    return { error: null, fieldErrors: {}, recomputed }
  } catch (error) {
    if (error instanceof InputError) return data({ ...refusalOfError(error), recomputed: null }, { status: 400 })
    throw error
  }
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
