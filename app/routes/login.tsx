import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data, redirect } from '@remix-run/node'
import { FormError } from '#app/components/form-error.tsx'
import { Form, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { DEMO_USERS } from '#app/demo/users.ts'
import { hasNoUsers } from '#app/models/user.server.ts'
import { getAppContext } from '#app/utils/app-database.server.ts'
import { signIn } from '#app/models/sign-in.server.ts'
import { parseInput, text, z } from '#app/utils/input.ts'
import { getUser, requireSameOrigin, safeRedirect, startSession } from '#app/utils/auth.server.ts'
import { labelOf, role } from '#reports/vocabulary.ts'

export const meta: MetaFunction = () => [{ title: 'Вход — Качество обслуживания' }]

export async function loader({ request }: LoaderFunctionArgs) {
  if (await getUser(request)) throw redirect(safeRedirect(new URL(request.url).searchParams.get('redirectTo')))
  const { database, org } = await getAppContext()
  return {
    orgName: org.name,
    noUsers: await hasNoUsers(database.db, org.id),
    demoUsers: org.is_demo ? DEMO_USERS.map(({ login, password, fullName, roles }) => ({ login, password, fullName, roles })) : [],
  }
}

const WRONG = 'Неверный логин или пароль.'

/** Over-long values are cut, not refused: a refusal would tell a prober where the limits are. */
const signInSchema = z.object({
  login: text({ raw: true, max: Number.MAX_SAFE_INTEGER }).transform((s) => s.slice(0, 64)),
  password: text({ raw: true, max: Number.MAX_SAFE_INTEGER }).transform((s) => s.slice(0, 256)),
  redirectTo: z.preprocess((v) => (typeof v === 'string' && v ? v : '/'), z.string()),
})

export async function action({ request, context }: ActionFunctionArgs) {
  requireSameOrigin(request)
  const parsed = parseInput(signInSchema, await request.formData())
  if (!parsed.ok) return data({ error: WRONG }, { status: 400 })
  const { login, password } = parsed.data
  const { database, org } = await getAppContext()
  const outcome = await signIn(database.db, { org, login, ip: context?.ip ?? 'unknown' }, password)
  if (outcome.ok) return startSession(request, outcome.user, safeRedirect(parsed.data.redirectTo))
  if (outcome.reason === 'blocked') return data({ error: outcome.message }, { status: 429, headers: { 'Retry-After': String(outcome.retryAfterSeconds) } })
  return data({ error: WRONG }, { status: 400 })
}

export default function Login() {
  const { orgName, noUsers, demoUsers } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [params] = useSearchParams()
  return (
    <>
      <h1>Вход</h1>
      <p className="muted">{orgName}</p>
      {noUsers ? (
        <p className="notice warn" data-testid="no-users">
          Пользователей ещё нет. Создайте администратора на сервере командой{' '}
          <code>SQ_PASSWORD='…' npm run cli -- user add --login admin --name "Администратор" --roles admin</code>
        </p>
      ) : null}
      <Form method="post" className="stack card">
        <input type="hidden" name="redirectTo" value={params.get('redirectTo') ?? '/'} />
        <label>
          Логин
          <input type="text" name="login" autoComplete="username" required autoFocus />
        </label>
        <label>
          Пароль
          <input type="password" name="password" autoComplete="current-password" required />
        </label>
        <FormError message={actionData?.error} />
        <button type="submit">Войти</button>
      </Form>
      {demoUsers.length ? (
        <>
          <h2>Демонстрационные пользователи</h2>
          <p className="muted">Видны только в демо-режиме. В рабочей установке пользователей создаёт администратор.</p>
          <table data-testid="demo-users">
            <thead>
              <tr>
                <th>Логин</th>
                <th>Пароль</th>
                <th>Кто</th>
                <th>Роли</th>
              </tr>
            </thead>
            <tbody>
              {demoUsers.map((u) => (
                <tr key={u.login}>
                  <td>{u.login}</td>
                  <td>
                    <code>{u.password}</code>
                  </td>
                  <td>{u.fullName}</td>
                  <td>{u.roles.map((r) => labelOf(role, r)).join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </>
  )
}
