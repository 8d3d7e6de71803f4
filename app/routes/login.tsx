import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data, redirect } from '@remix-run/node'
import { FormError } from '#app/components/form-error.tsx'
import { Form, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { DEMO_USERS } from '#app/demo/users.ts'
import { recordAudit } from '#app/models/audit.server.ts'
import { hasNoUsers, verifyLogin } from '#app/models/user.server.ts'
import { getAppContext } from '#app/utils/app-database.server.ts'
import { blockedMessage, reserveSignIn, signInFailed, signInSucceeded } from '#app/models/sign-in.server.ts'
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

export async function action({ request, context }: ActionFunctionArgs) {
  requireSameOrigin(request)
  const form = await request.formData()
  const login = String(form.get('login') ?? '').slice(0, 64)
  const password = String(form.get('password') ?? '').slice(0, 256)
  const redirectTo = safeRedirect(String(form.get('redirectTo') ?? '/'))
  const ip = context?.ip ?? 'unknown'
  const { database, org } = await getAppContext()
  // the attempt is reserved (and counted) before the password is checked, so parallel attempts cannot all pass
  const reservation = await reserveSignIn(database.db, login, ip)
  if (!reservation.ok) {
    await recordAudit(database.db, { orgId: org.id, actor: login || '—', action: 'login.blocked', ip })
    return data({ error: blockedMessage(reservation) }, { status: 429, headers: { 'Retry-After': String(Math.ceil(reservation.waitMs / 1000)) } })
  }
  const user = login && password ? await verifyLogin(database.db, org.id, login, password) : undefined
  if (!user) {
    await signInFailed(database.db, reservation.id)
    await recordAudit(database.db, { orgId: org.id, actor: login || '—', action: 'login.failed', ip })
    return data({ error: WRONG }, { status: 400 })
  }
  await signInSucceeded(database.db, reservation.id, login, ip)
  await recordAudit(database.db, { orgId: org.id, userId: user.id, actor: user.login, action: 'login', ip })
  return startSession(request, user, redirectTo)
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
