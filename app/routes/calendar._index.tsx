import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { useMemo } from 'react'
import { DAY_STATUS_LABELS, MONTH_NAMES, WEEKDAYS, yearGrid } from '#app/utils/calendar-grid.ts'
import { FieldError, FormError, fieldErrorsOf, invalid } from '#app/components/form-error.tsx'
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
  const url = new URL(request.url)
  const year = YEAR_OF_URL.catch(current).parse(url.searchParams.get('year'))
  // the day chosen on the grid (`?day=`): its form opens beside the grid
  const day = url.searchParams.get('day') ?? ''
  const chosen = /^\d{4}-\d{2}-\d{2}$/.test(day) && day.startsWith(`${year}-`) ? day : null
  return { years, year, chosen, loaded: years.some((y) => y.year === year), days: await listCalendarDays(database.db, org.id, year) }
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
  const { years, year, days, chosen, loaded } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const errors = fieldErrorsOf(actionData)
  const months = useMemo(() => yearGrid(year, days), [year, days])
  const picked = chosen ? months.flatMap((m) => m.weeks.flat()).find((d) => d?.day === chosen) : undefined
  const ru = (iso: string) => iso.split('-').reverse().join('.')
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
      <p data-testid="years" className="calendar-years">
        Загруженные годы:{' '}
        {years.map((y) => (
          <span key={`${y.year}-${y.orgId ?? 'f'}`}>
            {y.year === year ? <strong>{y.year}</strong> : <Link to={`?year=${y.year}`}>{y.year}</Link>}
            {y.orgId ? ' (свой)' : ''}
            {y.verified ? '' : ' (не подтверждён)'}{' '}
          </span>
        ))}
        · <Link to={`?year=${year - 1}`}>← {year - 1}</Link> · <Link to={`?year=${year + 1}`}>{year + 1} →</Link>
      </p>
      {loaded ? null : (
        <p className="notice warn" data-testid="year-missing">
          {year} год не загружен: сроки в нём считаются по пн–пт. Добавьте год формой ниже.
        </p>
      )}
      <ul className="calendar-legend" aria-label="Обозначения">
        {(Object.keys(DAY_STATUS_LABELS) as (keyof typeof DAY_STATUS_LABELS)[]).map((s) => (
          <li key={s}>
            <span className={`cal-day cal-${s}`} aria-hidden="true">
              1
            </span>{' '}
            {DAY_STATUS_LABELS[s]}
          </li>
        ))}
        <li>
          <span className="cal-day cal-working own" aria-hidden="true">
            1
          </span>{' '}
          свой день организации
        </li>
      </ul>
      <div className="calendar-layout">
        <div className="calendar-year" data-testid="calendar-grid">
          {months.map((m) => (
            <table key={m.month} className="cal-month" data-month={m.month}>
              <caption>{MONTH_NAMES[m.month - 1]}</caption>
              <thead>
                <tr>
                  {WEEKDAYS.map((w) => (
                    <th key={w} scope="col">
                      {w}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {m.weeks.map((week, i) => (
                  <tr key={i}>
                    {week.map((d, j) =>
                      d ? (
                        <td key={d.day}>
                          <Link
                            to={`?year=${year}&day=${d.day}`}
                            preventScrollReset
                            className={`cal-day cal-${d.status}${d.own ? ' own' : ''}${d.day === chosen ? ' chosen' : ''}`}
                            data-day={d.day}
                            data-status={d.status}
                            aria-label={`${ru(d.day)}: ${DAY_STATUS_LABELS[d.status]}${d.own ? ' (свой день организации)' : ''}`}
                            title={`${DAY_STATUS_LABELS[d.status]}${d.own?.note ? ` — ${d.own.note}` : ''}`}
                          >
                            {d.date}
                          </Link>
                        </td>
                      ) : (
                        <td key={`e${j}`} />
                      ),
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          ))}
        </div>
        <aside className="card calendar-day" data-testid="day-panel">
          <h2>{picked ? `${ru(picked.day)}: ${DAY_STATUS_LABELS[picked.status]}` : 'Изменить день'}</h2>
          {picked ? (
            <p className="muted">
              {picked.federal ? `По федеральному календарю: ${CALENDAR_KIND_LABELS[picked.federal] ?? picked.federal}. ` : ''}
              {picked.own
                ? `Свой день организации: ${CALENDAR_KIND_LABELS[picked.own.kind] ?? picked.own.kind}${picked.own.note ? ` («${picked.own.note}»)` : ''}.`
                : ''}
            </p>
          ) : (
            <p className="muted">Нажмите на день в календаре или введите дату.</p>
          )}
          <Form method="post" className="stack" key={chosen ?? 'none'}>
            <input type="hidden" name="intent" value="add-day" />
            <label>
              Дата (ДД.ММ.ГГГГ)
              <input {...invalid(errors, 'day')} type="text" name="day" required defaultValue={picked ? ru(picked.day) : ''} />
              <FieldError errors={errors} name="day" />
            </label>
            <label>
              Сделать днём
              <select
                {...invalid(errors, 'kind')}
                name="kind"
                defaultValue={picked?.own?.kind ?? (picked?.status === 'holiday' ? 'working_weekend' : 'holiday')}
              >
                {CALENDAR_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {CALENDAR_KIND_LABELS[k]}
                  </option>
                ))}
              </select>
              <FieldError errors={errors} name="kind" />
            </label>
            <label>
              Пояснение (например, региональный праздник)
              <input {...invalid(errors, 'note')} type="text" name="note" defaultValue={picked?.own?.note ?? ''} />
              <FieldError errors={errors} name="note" />
            </label>
            <button type="submit">Сохранить день</button>
          </Form>
          {picked?.own ? (
            <Form method="post" data-testid="remove-day">
              <input type="hidden" name="intent" value="remove-day" />
              <input type="hidden" name="dayId" value={picked.own.id} />
              <button type="submit" className="link">
                Убрать свой день{picked.federal ? ' (останется федеральный)' : ' (станет обычным днём)'}
              </button>
            </Form>
          ) : null}
        </aside>
      </div>
      <h2>Добавить год</h2>
      <Form method="post" className="stack card">
        <input type="hidden" name="intent" value="add-year" />
        <label>
          Год
          <input {...invalid(errors, 'year')} type="text" name="year" inputMode="numeric" required />
          <FieldError errors={errors} name="year" />
        </label>
        <label>
          Нерабочие дни, выпадающие на пн–пт (по одной дате в строке)
          <textarea {...invalid(errors, 'holidays')} name="holidays" rows={6} />
          <FieldError errors={errors} name="holidays" />
        </label>
        <label>
          Рабочие субботы и воскресенья
          <textarea {...invalid(errors, 'workingWeekends')} name="workingWeekends" rows={2} />
          <FieldError errors={errors} name="workingWeekends" />
        </label>
        <label>
          Источник (постановление о переносе выходных)
          <input {...invalid(errors, 'source')} type="text" name="source" />
          <FieldError errors={errors} name="source" />
        </label>
        <button type="submit">Добавить год</button>
      </Form>
    </>
  )
}
