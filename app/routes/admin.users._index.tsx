import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data, redirect } from '@remix-run/node'
import { FieldError, FormError, fieldErrorsOf, invalid } from '#app/components/form-error.tsx'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { RoleAndBranchFields } from '#app/components/user-fields.tsx'
import { createUserCommand } from '#app/models/user-commands.server.ts'
import { InputError } from '#reports/errors.ts'
import { listBranches, listUsers } from '#app/models/user.server.ts'
import { MIN_PASSWORD_LENGTH } from '#app/utils/access.ts'
import { getAppContext } from '#app/utils/app-database.server.ts'
import { requireActor, requireRouteAccess } from '#app/utils/auth.server.ts'
import { refusalOfError } from '#app/utils/input.ts'
import { formatDateTime } from '#reports/format.ts'
import { readUserForm } from '#app/utils/forms.server.ts'
import { labelOf, role } from '#reports/vocabulary.ts'

export const meta: MetaFunction = () => [{ title: 'Пользователи — Качество обслуживания' }]

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRouteAccess(request, 'admin.users._index.tsx')
  const { database, org } = await getAppContext()
  const [users, branches] = await Promise.all([listUsers(database.db, org.id), listBranches(database.db, org.id)])
  return { users, branches, zone: org.time_zone }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const actor = await requireActor({ request, context }, 'admin.users._index.tsx')
  const { database } = await getAppContext()
  const input = readUserForm(await request.formData())
  if (!input.ok) return data({ error: input.error, fieldErrors: input.fieldErrors }, { status: 400 })
  try {
    await createUserCommand(database.db, actor, input.data)
    return redirect('/admin/users')
  } catch (error) {
    if (error instanceof InputError) return data(refusalOfError(error), { status: 400 })
    throw error
  }
}

export default function Users() {
  const { users, branches, zone } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const errors = fieldErrorsOf(actionData)
  const branchName = new Map(branches.map((b) => [b.id, b.name]))
  return (
    <>
      <h1>Пользователи</h1>
      <table data-testid="users">
        <thead>
          <tr>
            <th>Логин</th>
            <th>Имя</th>
            <th>Роли</th>
            <th>Филиалы</th>
            <th>Последний вход</th>
            <th>Состояние</th>
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id}>
              <td>
                <Link to={`/admin/users/${u.id}`}>{u.login}</Link>
              </td>
              <td>{u.fullName}</td>
              <td>{u.roles.map((r) => labelOf(role, r)).join(', ')}</td>
              <td>{u.allBranches ? 'вся организация' : u.branchIds.map((id) => branchName.get(String(id)) ?? id).join(', ') || 'нет'}</td>
              <td>{formatDateTime(u.lastLoginAt, zone)}</td>
              <td>{u.disabled ? 'отключён' : 'активен'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Новый пользователь</h2>
      <Form method="post" className="stack card">
        <label>
          Логин (латиницей)
          <input {...invalid(errors, 'login')} type="text" name="login" required />
          <FieldError errors={errors} name="login" />
        </label>
        <label>
          Имя
          <input {...invalid(errors, 'fullName')} type="text" name="fullName" required />
          <FieldError errors={errors} name="fullName" />
        </label>
        <label>
          Пароль (не короче {MIN_PASSWORD_LENGTH} символов)
          <input {...invalid(errors, 'password')} type="password" name="password" autoComplete="new-password" required minLength={MIN_PASSWORD_LENGTH} />
          <FieldError errors={errors} name="password" />
        </label>
        <RoleAndBranchFields errors={errors} branches={branches} />
        <FormError message={actionData?.error} />
        <button type="submit">Создать</button>
      </Form>
    </>
  )
}
