import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { VocabularyOptions } from '#app/components/metric-text.tsx'
import { saveReportPolicies } from '#app/models/settings.server.ts'
import { actionAccess, hasAnyRole } from '#app/utils/access.ts'
import { getAppContext } from '#app/utils/app-database.server.ts'
import { actorOf, requireRole, requireRouteAccess } from '#app/utils/auth.server.ts'
import { DEFAULT_POLICIES, DYNAMICS_LABEL, describePolicies, policiesFrom, policiesSchema } from '#reports/appendix-7/policies.ts'
import { appealForm, callCategory } from '#reports/vocabulary.ts'

export const meta: MetaFunction = () => [{ title: 'Правила классификации для отчётов — Качество обслуживания' }]

const BLANK_ROWS = 3

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRouteAccess(request, 'reports.policies.tsx')
  const { database, org } = await getAppContext()
  const row = await database.db.selectFrom('organisation').select('report_policies').where('id', '=', org.id).executeTakeFirstOrThrow()
  const policies = policiesFrom(row.report_policies)
  return {
    policies,
    described: describePolicies(policies),
    isDefault: row.report_policies === null,
    canEdit: hasAnyRole(user.roles, actionAccess.reportPolicies),
  }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(request, actionAccess.reportPolicies)
  const { database, org } = await getAppContext()
  const actor = actorOf(user, org, context)
  const form = await request.formData()
  if (form.get('intent') === 'defaults') {
    await saveReportPolicies(database.db, actor, null)
    return { errors: [], saved: true }
  }
  const rows = Number(form.get('rows') ?? 0)
  const channelForms = []
  for (let i = 0; i < Math.min(rows, 100); i++) {
    const channel = String(form.get(`channel|${i}`) ?? '').trim()
    if (channel) channelForms.push({ channel, form: String(form.get(`form|${i}`) ?? '') })
  }
  const candidate = {
    channelForms,
    countRepeats: form.get('countRepeats') === 'on',
    callsExcludeCategories: form.getAll('exclude').map(String),
    officeVisits: String(form.get('officeVisits')),
    dynamics: String(form.get('dynamics')),
    decimals: Number(form.get('decimals')),
  }
  const parsed = policiesSchema.safeParse(candidate)
  // a refusal is a 400 (the page shows the errors; nothing is saved)
  if (!parsed.success)
    return data({ errors: parsed.error.issues.map((i) => `${i.path.join('.')}: значение не подходит (${i.message}).`), saved: false }, { status: 400 })
  await saveReportPolicies(database.db, actor, parsed.data)
  return { errors: [], saved: true }
}

export default function Policies() {
  const { policies, described, isDefault, canEdit } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const rows = [...policies.channelForms, ...Array.from({ length: BLANK_ROWS }, () => ({ channel: '', form: 'internet' as const }))]
  return (
    <>
      <h1>Правила классификации для отчётов</h1>
      <p className="muted">
        Вопросы отнесения обращений к строкам отчёта, на которые каждая организация отвечает сама (порядок заполнения формы их не решает). Ответы печатаются на
        листе «О файле» каждого отчёта. {isDefault ? 'Сейчас действуют значения по умолчанию.' : ''} <Link to="/reports/appendix-7">← К Приложению 7</Link>
      </p>
      <dl className="card" data-testid="policies">
        {described.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      {result?.errors.length ? (
        <div className="notice error" role="alert">
          {result.errors.map((e) => (
            <p key={e}>{e}</p>
          ))}
        </div>
      ) : null}
      {result?.saved ? <p className="notice ok">Сохранено. Отчёты считаются по новым правилам.</p> : null}
      {canEdit ? (
        <Form method="post" className="card">
          <h2>Изменить</h2>
          <input type="hidden" name="rows" value={rows.length} />
          <h3>Форма обслуживания по каналу</h3>
          <p className="muted">
            Обращение, у которого поле «канал» совпадает (без учёта регистра и «ё»), в Приложении 7 считается в указанной форме, какая бы форма ни стояла в
            журнале.
          </p>
          <table>
            <thead>
              <tr>
                <th>Канал</th>
                <th>Форма в отчёте</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r, i) => (
                <tr key={i}>
                  <td>
                    <input name={`channel|${i}`} defaultValue={r.channel} aria-label={`Канал ${i + 1}`} />
                  </td>
                  <td>
                    <select name={`form|${i}`} defaultValue={r.form} aria-label={`Форма ${i + 1}`}>
                      <VocabularyOptions vocabulary={appealForm} />
                    </select>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p>
            <label>
              <input type="checkbox" name="countRepeats" defaultChecked={policies.countRepeats} /> Повторные обращения учитываются как отдельные
            </label>
          </p>
          <fieldset>
            <legend>Не учитывать в таблице 4.3 звонки категорий</legend>
            {Object.entries(callCategory).map(([code, term]) => (
              <label key={code} style={{ display: 'block' }}>
                <input type="checkbox" name="exclude" value={code} defaultChecked={policies.callsExcludeCategories.includes(code)} /> {code} {term.label}
              </label>
            ))}
          </fieldset>
          <p>
            <label>
              Графа 8 таблицы 4.2{' '}
              <select name="officeVisits" defaultValue={policies.officeVisits}>
                <option value="all">все выданные талоны</option>
                <option value="served">только вызванные к окну</option>
              </select>
            </label>
          </p>
          <p>
            <label>
              Динамика{' '}
              <select name="dynamics" defaultValue={policies.dynamics}>
                {Object.entries(DYNAMICS_LABEL).map(([k, v]) => (
                  <option key={k} value={k}>
                    {v}
                  </option>
                ))}
              </select>
            </label>{' '}
            <label>
              знаков после запятой <input type="number" name="decimals" min={0} max={3} defaultValue={policies.decimals} style={{ width: '4rem' }} />
            </label>
          </p>
          <button type="submit">Сохранить</button>{' '}
          <button type="submit" name="intent" value="defaults" className="link">
            Вернуть значения по умолчанию
          </button>
          <p className="muted">
            По умолчанию: {DEFAULT_POLICIES.channelForms.length} каналов, повторные учитываются, все звонки, все талоны, динамика в процентах с одним знаком.
          </p>
        </Form>
      ) : (
        <p className="muted">Менять правила может администратор.</p>
      )}
    </>
  )
}
