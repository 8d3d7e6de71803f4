/** Reading the user form once for the create and edit actions (a zod schema, ADR 025). */
import { type Parsed, checkbox, list, parseInput, text, z } from './input.ts'

const userForm = z.object({
  login: text({ max: 200 }),
  fullName: text({ max: 500, raw: true }),
  password: text({ max: 1000, raw: true }).transform((p) => p || undefined),
  roles: list(),
  allBranches: checkbox(),
  branchIds: list().transform((ids) => ids.filter((id) => /^\d{1,18}$/.test(id))),
  disabled: checkbox(),
})

export type UserForm = z.output<typeof userForm>

export function readUserForm(form: FormData): Parsed<UserForm> {
  return parseInput(userForm, form, { login: 'Логин', fullName: 'Имя', password: 'Пароль' })
}
