/** Reading the user form once for the create and edit actions. */
export function readUserForm(form: FormData) {
  return {
    login: String(form.get('login') ?? '').trim(),
    fullName: String(form.get('fullName') ?? ''),
    password: String(form.get('password') ?? '') || undefined,
    roles: form.getAll('roles').map(String),
    allBranches: form.get('allBranches') === 'on',
    branchIds: form
      .getAll('branchIds')
      .map(String)
      .filter((id) => /^\d{1,18}$/.test(id)),
    disabled: form.get('disabled') === 'on',
  }
}
