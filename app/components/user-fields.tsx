import { ROLES } from '#app/utils/access.ts'
import { FieldError, invalid } from './form-error.tsx'
import { labelOf, role } from '#reports/vocabulary.ts'

/** Roles and branch scope, shared by the create and edit forms. */
export function RoleAndBranchFields({
  branches,
  roles = [],
  allBranches = true,
  branchIds = [],
  errors,
}: {
  branches: { id: string; name: string }[]
  roles?: readonly string[]
  allBranches?: boolean
  branchIds?: readonly string[]
  /** the refused form's field errors (roles, branches) */
  errors?: Record<string, string>
}) {
  return (
    <>
      <fieldset>
        <legend>Роли</legend>
        <div className="checks">
          {ROLES.map((r) => (
            <label key={r}>
              <input {...invalid(errors, 'roles')} type="checkbox" name="roles" value={r} defaultChecked={roles.includes(r)} /> {labelOf(role, r)}
            </label>
          ))}
        </div>
        <FieldError errors={errors} name="roles" />
      </fieldset>
      <fieldset>
        <legend>Филиалы, данные которых видит пользователь</legend>
        <div className="checks">
          <label>
            <input type="checkbox" name="allBranches" defaultChecked={allBranches} /> вся организация
          </label>
          {branches.map((b) => (
            <label key={b.id}>
              <input {...invalid(errors, 'branchIds')} type="checkbox" name="branchIds" value={b.id} defaultChecked={branchIds.includes(b.id)} /> {b.name}
            </label>
          ))}
        </div>
        <FieldError errors={errors} name="branchIds" />
      </fieldset>
    </>
  )
}
