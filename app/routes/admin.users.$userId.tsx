import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data, redirect } from '@remix-run/node'
import { FieldError, FormError, fieldErrorsOf, invalid } from '#app/components/form-error.tsx'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { RoleAndBranchFields } from '#app/components/user-fields.tsx'
import { unlockUserCommand, updateUserCommand } from '#app/models/user-commands.server.ts'
import { InputError } from '#reports/errors.ts'
import { recentSignInFailures } from '#app/models/sign-in.server.ts'
import { getUserForEdit, listBranches } from '#app/models/user.server.ts'
import { MIN_PASSWORD_LENGTH } from '#app/utils/access.ts'
import { getAppContext } from '#app/utils/app-database.server.ts'
import { requireActor, requireRouteAccess } from '#app/utils/auth.server.ts'
import { refusalOfError } from '#app/utils/input.ts'
import { readUserForm } from '#app/utils/forms.server.ts'

export const meta: MetaFunction = () => [{ title: 'Пользователь — Качество обслуживания' }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireRouteAccess(request, 'admin.users.$userId.tsx')
  const { database, org } = await getAppContext()
  const user = await getUserForEdit(database.db, org.id, params.userId ?? '')
  if (!user) throw new Response('Такого пользователя нет.', { status: 404 })
  return { user, branches: await listBranches(database.db, org.id), signInFailures: await recentSignInFailures(database.db, user.login) }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const actor = await requireActor({ request, context }, 'admin.users.$userId.tsx')
  const { database } = await getAppContext()
  const target = await getUserForEdit(database.db, actor.org.id, params.userId ?? '')
  if (!target) throw new Response('Такого пользователя нет.', { status: 404 })
  const form = await request.formData()
  if (form.get('intent') === 'unlock') {
    await unlockUserCommand(database.db, actor, target)
    return data({ unlocked: true as const })
  }
  const input = readUserForm(form)
  if (!input.ok) return data({ error: input.error, fieldErrors: input.fieldErrors }, { status: 400 })
  if (target.id === actor.user.id && (input.data.disabled || !input.data.roles.includes('admin'))) {
    return data({ error: 'Нельзя отключить себя или снять с себя роль администратора.', fieldErrors: {} }, { status: 400 })
  }
  try {
    await updateUserCommand(database.db, actor, target, input.data)
    return redirect('/admin/users')
  } catch (error) {
    if (error instanceof InputError) return data(refusalOfError(error), { status: 400 })
    throw error
  }
}

export default function EditUser() {
  const { user, branches, signInFailures } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const errors = fieldErrorsOf(actionData)
  const error = actionData && 'error' in actionData ? actionData.error : undefined
  return (
    <>
      <p>
        <Link to="/admin/users">← Пользователи</Link>
      </p>
      <h1>Пользователь {user.login}</h1>
      <Form method="post" className="stack card">
        <label>
          Имя
          <input {...invalid(errors, 'fullName')} type="text" name="fullName" defaultValue={user.fullName} required />
          <FieldError errors={errors} name="fullName" />
        </label>
        <RoleAndBranchFields errors={errors} branches={branches} roles={user.roles} allBranches={user.allBranches} branchIds={user.branchIds.map(String)} />
        <label>
          Новый пароль (оставьте пустым, чтобы не менять; не короче {MIN_PASSWORD_LENGTH} символов)
          <input {...invalid(errors, 'password')} type="password" name="password" autoComplete="new-password" minLength={MIN_PASSWORD_LENGTH} />
          <FieldError errors={errors} name="password" />
        </label>
        <label style={{ display: 'flex', gap: '0.5rem', alignItems: 'center' }}>
          <input {...invalid(errors, 'disabled')} type="checkbox" name="disabled" defaultChecked={user.disabled} />
          <FieldError errors={errors} name="disabled" /> Отключить (пользователь не сможет войти)
        </label>
        <FormError message={error} />
        <button type="submit">Сохранить</button>
      </Form>
      <Form method="post" className="stack card" data-testid="sign-in-limits">
        <h2>Ограничения входа</h2>
        <p>
          {signInFailures
            ? `Неудачных попыток входа за последние 15 минут: ${signInFailures}. Попытки с адресов, откуда их было слишком много, временно отклоняются.`
            : 'Неудачных попыток входа за последние 15 минут нет.'}
        </p>
        {actionData && 'unlocked' in actionData ? <p className="notice">Ограничения входа сняты.</p> : null}
        <input type="hidden" name="intent" value="unlock" />
        <button type="submit" disabled={!signInFailures}>
          Снять ограничения входа
        </button>
      </Form>
    </>
  )
}
