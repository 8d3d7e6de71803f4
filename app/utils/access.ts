/**
 * Who may do what: roles, the access rule of every route, personal-data visibility. Client-safe (the
 * layout uses it to show only the links a user may follow); the server enforces the same table.
 */
export const ROLES = ['management', 'quality', 'reporting', 'operator', 'admin'] as const
export type Role = (typeof ROLES)[number]

/**
 * `public`: no sign-in; `signed-in`: any role; `token`: the import API — an integration token in the
 * `Authorization` header, never a session (a signed-in user gets 401 like anyone without a token; ADR 017);
 * otherwise the roles that may (any one suffices).
 */
export type Access = 'public' | 'signed-in' | 'token' | readonly Role[]

const everyone: readonly Role[] = ROLES
const operators: readonly Role[] = ['operator', 'admin']
const admins: readonly Role[] = ['admin']
const quality: readonly Role[] = ['quality', 'admin']
const reporting: readonly Role[] = ['management', 'quality', 'reporting', 'admin']

/**
 * One line per route module (file under app/routes). A route without a line fails the access-matrix
 * test, so a new page cannot ship unguarded.
 */
export const routeAccess = {
  'healthcheck.ts': 'public',
  'login.tsx': 'public',
  'logout.ts': 'signed-in',
  // «с чего начать» for each role (issue 16)
  'help.tsx': 'signed-in',
  '_index.tsx': everyone,
  // the import history and reports are readable by every role (data quality concerns everyone);
  // loading data is the operators' job
  'imports._index.tsx': everyone,
  'imports.upload.ts': operators,
  'imports.$batchId.tsx': everyone,
  'imports.$batchId.progress.ts': everyone,
  'imports.$batchId.rejections[.csv].ts': everyone,
  // the format guide and its templates are everyone's; column mappings are made by those who load data
  'imports.formats.tsx': everyone,
  'imports.templates.$file.ts': everyone,
  'imports.mappings._index.tsx': operators,
  'imports.mappings.edit.tsx': operators,
  'admin.users._index.tsx': admins,
  'admin.users.$userId.tsx': admins,
  'admin.audit.tsx': admins,
  'admin.settings.tsx': admins,
  // integration tokens of the import API are issued and revoked by administrators; the API itself takes
  // only a token; its description (no data in it) is public, for whoever sets up the sending system
  'admin.tokens.tsx': admins,
  'api.imports.$param.ts': 'token',
  'api.openapi[.json].ts': 'public',
  // deadline rules are the quality officer's; the production calendar is the administrator's
  'rules._index.tsx': quality,
  'rules.$ruleId.tsx': quality,
  'calendar._index.tsx': admins,
  'deadlines._index.tsx': everyone,
  'deadlines.records.tsx': everyone,
  'deadlines.norms.$ruleId.tsx': everyone,
  // every report of the registry as a file (reports/registry.server.ts): signed in, then the rule of the report's page
  'files.$report.$format.ts': 'signed-in',
  // figures and registers are everyone's; personal data in them is masked by role
  'dashboard._index.tsx': everyone,
  'dashboard[.xlsx].ts': everyone,
  'registers.$domain._index.tsx': everyone,
  'registers.$domain.export[.xlsx].ts': everyone,
  'registers.$domain.$id.tsx': everyone,
  // the work list (issue 18): quality officers and managers, each within his branches
  'worklist._index.tsx': reporting,
  'worklist[.xlsx].ts': reporting,
  // lost calls and whether the caller was reached: like the registers (numbers masked by role)
  'calls.lost.tsx': everyone,
  // mail: everyone manages his own subscriptions (external addresses and the send log: administrators)
  'mail._index.tsx': everyone,
  'mail.unsubscribe.$token.tsx': 'public',
  // the regulator's files: read by management, quality and reporting; filled in and frozen by reporting
  'reports._index.tsx': reporting,
  'reports.appendix-7._index.tsx': reporting,
  'reports.appendix-7.download.$format.ts': reporting,
  'reports.appendix-7.checks.$checkId.tsx': reporting,
  'reports.appendix-7.inputs.tsx': reporting,
  'reports.appendix-7.snapshots.$snapshotId.tsx': reporting,
  'reports.appendix-7.snapshots.$snapshotId.file.ts': reporting,
  'reports.policies.tsx': reporting,
  'reports.supplier-standard._index.tsx': reporting,
  'reports.supplier-standard.download.$format.ts': reporting,
  // surveys: results are everyone's, like the dashboards (free texts are masked for roles without personal
  // data); quality officers build and distribute them; operators enter phone surveys; consumers answer
  // through a link without signing in
  'surveys._index.tsx': everyone,
  'surveys.$surveyId._index.tsx': everyone,
  'surveys.$surveyId.download.$file.ts': everyone,
  'surveys.new.tsx': quality,
  'surveys.$surveyId.edit.tsx': quality,
  'surveys.$surveyId.links.tsx': quality,
  'surveys.$surveyId.batches.$batchId[.xlsx].ts': quality,
  'surveys.$surveyId.phone.tsx': ['operator', 'quality', 'admin'],
  's.$token.tsx': 'public',
  // a published Appendix 7 (no personal data, no table 4.9), only while an administrator keeps it switched on
  'publications.$token.ts': 'public',
} as const satisfies Record<string, Access>
export type RouteId = keyof typeof routeAccess

/** Actions inside a route that need more than reading it. */
export const actionAccess = {
  upload: operators,
  /** fill in the sections of Appendix 7 that do not come from the logs, freeze a filed report */
  reportInput: ['reporting', 'admin'],
  /** change the classification policies (an organisation setting) */
  reportPolicies: admins,
} as const satisfies Record<string, readonly Role[]>

export function hasAnyRole(roles: readonly string[], allowed: Access): boolean {
  if (allowed === 'token') return false
  if (allowed === 'public' || allowed === 'signed-in') return true
  return roles.some((r) => (allowed as readonly string[]).includes(r))
}

/** Passwords set by an administrator (or the CLI) must be at least this long. */
export const MIN_PASSWORD_LENGTH = 10

/** Personal data (152-ФЗ) is shown in full only to the roles that work with consumers' records. */
const personalDataRoles: readonly Role[] = ['operator', 'quality', 'admin']
export function canSeePersonalData(roles: readonly string[]): boolean {
  return roles.some((r) => (personalDataRoles as readonly string[]).includes(r))
}

// the mask itself is in reports/ (the registers' files use it): reports/personal-data.ts
export { maskPersonal } from '#reports/personal-data.ts'
