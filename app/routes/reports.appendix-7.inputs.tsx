import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { saveAppendix7Inputs } from '#app/models/appendix7-commands.server.ts'
import { actionAccess, hasAnyRole } from '#app/utils/access.ts'
import { requireRole } from '#app/utils/auth.server.ts'
import { reportRequest } from '#app/utils/report-view.server.ts'
import { LIST_BLANK_ROWS, type ParsedInput, compareValues, inputTables, listItems, loadYearInputs, parseTableForm } from '#reports/appendix-7/inputs.server.ts'
import { ruNumber } from '#reports/format.ts'
import { fieldName } from '#app/utils/appendix-7-fields.ts'
import { BUILT_IN_TEMPLATE } from '#reports/appendix-7/template.ts'

export const meta: MetaFunction = () => [{ title: 'Сведения для Приложения 7 — Качество обслуживания' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const rr = await reportRequest(request, 'reports.appendix-7.inputs.tsx')
  const inputs = await loadYearInputs(rr.database.db, rr.org.id, rr.year)
  const now = inputs.get(rr.year)!
  const before = inputs.get(rr.year - 1)!
  const tables = inputTables(BUILT_IN_TEMPLATE).map((t) => {
    const data = now.get(t.code) ?? {}
    if (t.kind === 'figures')
      return {
        kind: 'text' as const,
        code: t.code,
        title: t.title,
        inputs: (t.inputs ?? []).map((i) => ({ ...i, value: typeof data[i.key] === 'string' ? (data[i.key] as string) : '' })),
      }
    if (t.mode === 'compare')
      return {
        kind: 'compare' as const,
        code: t.code,
        title: t.title,
        rows: t.rows,
        values: t.values,
        now: compareValues(data),
        before: compareValues(before.get(t.code) ?? {}),
      }
    return { kind: 'list' as const, code: t.code, title: t.title, fields: t.fields, items: listItems(data) }
  })
  return { year: rr.year, tables, blankRows: LIST_BLANK_ROWS, canEdit: hasAnyRole(rr.user.roles, actionAccess.reportInput) }
}

export async function action({ request, context }: ActionFunctionArgs) {
  await requireRole(request, actionAccess.reportInput)
  const rr = await reportRequest(request, 'reports.appendix-7.inputs.tsx', context)
  const form = await request.formData()
  // one form for every table (issue 16): each table's fields carry its code (`4.1::n|1|value`); a table's
  // own fields are read as before, by parseTableForm; nothing is saved unless every table reads
  const tables = inputTables(BUILT_IN_TEMPLATE)
  const parsed: { table: (typeof tables)[number]; parsed: ParsedInput }[] = []
  const errors: string[] = []
  for (const table of tables) {
    const own = new FormData()
    const prefix = fieldName(table.code, '')
    for (const [name, value] of form) if (name.startsWith(prefix)) own.append(name.slice(prefix.length), value)
    if ([...own.keys()].length === 0) continue // a table not on the form (another template) keeps its values
    const result = parseTableForm(table, own)
    errors.push(...result.errors)
    parsed.push({ table, parsed: result })
  }
  if (parsed.length === 0) return data({ errors: ['Форма пуста: нечего сохранять.'], saved: null }, { status: 400 })
  if (errors.length) return data({ errors, saved: null }, { status: 400 })
  await saveAppendix7Inputs(rr.database.db, rr.actor, rr.year, parsed)
  return { errors: [], saved: parsed.length }
}

/** A number as ru-RU writes it: spaces between thousands, a decimal comma (read back by parseNumber). */
const shown = (v: number | null | undefined) => (v === null || v === undefined ? '' : ruNumber(v, 10))

export default function Inputs() {
  const { year, tables, blankRows, canEdit } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  return (
    <>
      <h1>Сведения для Приложения 7 за {year} год</h1>
      <p className="muted">
        Разделы формы, которых нет в журналах. Значения хранятся по годам: отчётный год станет графой «N‑1» в следующем году. Если за предыдущий год сведений в
        системе нет, их можно внести здесь же. <Link to={`/reports/appendix-7?year=${year}`}>← К Приложению 7</Link>
      </p>
      <Form method="get" className="card">
        <label>
          Год <input type="number" name="year" min={2000} max={2100} defaultValue={year} style={{ width: '6rem' }} />
        </label>{' '}
        <button type="submit">Открыть</button>
      </Form>
      {result?.errors.length ? (
        <div className="notice error" role="alert" data-testid="input-errors">
          <p>Ничего не сохранено — исправьте, пожалуйста:</p>
          <ul>
            {result.errors.map((e) => (
              <li key={e}>{e}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {result?.saved ? (
        <p className="notice ok" data-testid="input-saved">
          Сохранено: все таблицы за {year} год.
        </p>
      ) : null}
      <Form method="post" action={`?year=${year}`} data-testid="inputs-form" className="inputs-form">
        <fieldset disabled={!canEdit} className="plain">
          {tables.map((t) => {
            const name = (field: string) => fieldName(t.code, field)
            return (
              <section className="card" key={t.code} id={`t-${t.code}`} data-testid={`input-${t.code}`}>
                <h2>
                  Таблица {t.code}. {t.title}
                </h2>
                {t.kind === 'text'
                  ? t.inputs.map((i) => (
                      <label key={i.key} className="block">
                        {i.label}
                        <textarea name={name(`in|${i.key}`)} defaultValue={i.value} rows={2} />
                      </label>
                    ))
                  : null}
                {t.kind === 'compare' ? (
                  <table className="inputs compare">
                    <thead>
                      <tr>
                        <th className="n">N</th>
                        <th>Показатель</th>
                        {t.values.map((v) => (
                          <th key={v.key} colSpan={2} className="pair">
                            {v.label || 'Значение'}: {year - 1} / {year}
                          </th>
                        ))}
                      </tr>
                    </thead>
                    <tbody>
                      {t.rows.map((r) => (
                        <tr key={r.code}>
                          <td className="n">{r.code}</td>
                          <td>
                            {r.label}
                            {r.unit ? `, ${r.unit}` : ''}
                            {r.figure ? (
                              <div className="muted small">
                                за год с анкетами <Link to="/surveys">опросов</Link> — из них; значение ниже нужно для лет без них
                              </div>
                            ) : null}
                          </td>
                          {t.values.map((v) => (
                            <td key={v.key} colSpan={2} className="pair">
                              <input
                                name={name(`p|${r.code}|${v.key}`)}
                                defaultValue={shown(t.before[r.code]?.[v.key])}
                                inputMode="decimal"
                                aria-label={`${r.label}, ${year - 1}`}
                                className="number"
                              />{' '}
                              <input
                                name={name(`n|${r.code}|${v.key}`)}
                                defaultValue={shown(t.now[r.code]?.[v.key])}
                                inputMode="decimal"
                                aria-label={`${r.label}, ${year}`}
                                className="number"
                              />
                            </td>
                          ))}
                        </tr>
                      ))}
                    </tbody>
                  </table>
                ) : null}
                {t.kind === 'list' ? (
                  <>
                    <input type="hidden" name={name('items')} value={t.items.length + blankRows} />
                    <table className="inputs list">
                      <thead>
                        <tr>
                          <th className="n">N</th>
                          {t.fields.map((f) => (
                            <th key={f.key}>{f.label}</th>
                          ))}
                        </tr>
                      </thead>
                      <tbody>
                        {[...t.items, ...Array.from({ length: blankRows }, () => ({}) as Record<string, string>)].map((item, i) => (
                          <tr key={i}>
                            <td className="n">{i + 1}</td>
                            {t.fields.map((f) => (
                              <td key={f.key}>
                                <textarea name={name(`i|${i}|${f.key}`)} defaultValue={item[f.key] ?? ''} rows={1} aria-label={`${f.label}, строка ${i + 1}`} />
                              </td>
                            ))}
                          </tr>
                        ))}
                      </tbody>
                    </table>
                    <p className="muted">Пустые строки не сохраняются; чтобы добавить больше строк, сохраните — появятся новые пустые.</p>
                  </>
                ) : null}
              </section>
            )
          })}
          <div className="savebar">
            {canEdit ? (
              <>
                <button type="submit" data-testid="save-inputs">
                  Сохранить все таблицы
                </button>
                <span className="muted">Числа — как обычно пишут: «1 234,5»; пробелы между разрядами и точка вместо запятой тоже подходят.</span>
              </>
            ) : (
              <p className="muted">Вносить сведения могут сотрудники отчётности и администраторы.</p>
            )}
          </div>
        </fieldset>
      </Form>
    </>
  )
}
