import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { saveAppendix7Input } from '#app/models/appendix7-commands.server.ts'
import { actionAccess, hasAnyRole } from '#app/utils/access.ts'
import { requireRole } from '#app/utils/auth.server.ts'
import { reportRequest } from '#app/utils/report-view.server.ts'
import { LIST_BLANK_ROWS, compareValues, inputTables, listItems, loadYearInputs, parseTableForm } from '#reports/appendix-7/inputs.server.ts'
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
  const table = inputTables(BUILT_IN_TEMPLATE).find((t) => t.code === form.get('table'))
  if (!table) return data({ table: null, errors: ['Неизвестная таблица.'], saved: false }, { status: 400 })
  const parsed = parseTableForm(table, form)
  if (parsed.errors.length) return data({ table: table.code, errors: parsed.errors, saved: false }, { status: 400 })
  await saveAppendix7Input(rr.database.db, rr.actor, rr.year, table, parsed)
  return { table: table.code, errors: [], saved: true }
}

const shown = (v: number | null | undefined) => (v === null || v === undefined ? '' : String(v).replace('.', ','))

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
      {tables.map((t) => (
        <section className="card" key={t.code} id={`t-${t.code}`}>
          <h2>
            Таблица {t.code}. {t.title}
          </h2>
          {result?.table === t.code && result.errors.length ? (
            <div className="notice error" role="alert">
              {result.errors.map((e) => (
                <p key={e}>{e}</p>
              ))}
            </div>
          ) : null}
          {result?.table === t.code && result.saved ? <p className="notice ok">Сохранено.</p> : null}
          <Form method="post" action={`?year=${year}`} data-testid={`input-${t.code}`}>
            <input type="hidden" name="table" value={t.code} />
            <fieldset disabled={!canEdit} style={{ border: 0, padding: 0 }}>
              {t.kind === 'text'
                ? t.inputs.map((i) => (
                    <label key={i.key} style={{ display: 'block' }}>
                      {i.label}
                      <textarea name={`in|${i.key}`} defaultValue={i.value} rows={2} style={{ width: '100%' }} />
                    </label>
                  ))
                : null}
              {t.kind === 'compare' ? (
                <table>
                  <thead>
                    <tr>
                      <th>N</th>
                      <th>Показатель</th>
                      {t.values.map((v) => (
                        <th key={v.key} colSpan={2}>
                          {v.label || 'Значение'}: {year - 1} / {year}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {t.rows.map((r) => (
                      <tr key={r.code}>
                        <td>{r.code}</td>
                        <td>
                          {r.label}
                          {r.unit ? `, ${r.unit}` : ''}
                          {r.figure ? (
                            <div className="muted" style={{ fontSize: '0.8rem' }}>
                              за год с анкетами <Link to="/surveys">опросов</Link> — из них; значение ниже нужно для лет без них
                            </div>
                          ) : null}
                        </td>
                        {t.values.map((v) => (
                          <td key={v.key} colSpan={2} style={{ whiteSpace: 'nowrap' }}>
                            <input
                              name={`p|${r.code}|${v.key}`}
                              defaultValue={shown(t.before[r.code]?.[v.key])}
                              inputMode="decimal"
                              aria-label={`${r.label}, ${year - 1}`}
                              style={{ width: '6rem' }}
                            />{' '}
                            <input
                              name={`n|${r.code}|${v.key}`}
                              defaultValue={shown(t.now[r.code]?.[v.key])}
                              inputMode="decimal"
                              aria-label={`${r.label}, ${year}`}
                              style={{ width: '6rem' }}
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
                  <input type="hidden" name="items" value={t.items.length + blankRows} />
                  <table>
                    <thead>
                      <tr>
                        <th>N</th>
                        {t.fields.map((f) => (
                          <th key={f.key}>{f.label}</th>
                        ))}
                      </tr>
                    </thead>
                    <tbody>
                      {[...t.items, ...Array.from({ length: blankRows }, () => ({}) as Record<string, string>)].map((item, i) => (
                        <tr key={i}>
                          <td>{i + 1}</td>
                          {t.fields.map((f) => (
                            <td key={f.key}>
                              <textarea
                                name={`i|${i}|${f.key}`}
                                defaultValue={item[f.key] ?? ''}
                                rows={1}
                                aria-label={`${f.label}, строка ${i + 1}`}
                                style={{ width: '100%' }}
                              />
                            </td>
                          ))}
                        </tr>
                      ))}
                    </tbody>
                  </table>
                  <p className="muted">Пустые строки не сохраняются; чтобы добавить больше строк, сохраните — появятся новые пустые.</p>
                </>
              ) : null}
              {canEdit ? (
                <button type="submit">Сохранить таблицу {t.code}</button>
              ) : (
                <p className="muted">Вносить сведения могут сотрудники отчётности и администраторы.</p>
              )}
            </fieldset>
          </Form>
        </section>
      ))}
    </>
  )
}
