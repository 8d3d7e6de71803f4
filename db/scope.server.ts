import { type Expression, type SqlBool, sql } from 'kysely'

/** What a user may see: built per request from the user, never from the URL. */
export type Scope = { orgId: string; branches: 'all' | readonly string[] }

/**
 * Deny by default: another organisation never matches; an empty branch list matches nothing; rows
 * without a branch are visible only to organisation-wide users.
 */
export function inScope(orgId: Expression<string>, branchId: Expression<string | null>, scope: Scope): Expression<SqlBool> {
  if (scope.branches === 'all') return sql<SqlBool>`${orgId} = ${scope.orgId}`
  if (scope.branches.length === 0) return sql<SqlBool>`false`
  return sql<SqlBool>`(${orgId} = ${scope.orgId} and ${branchId} in (${sql.join(scope.branches.map((b) => sql`${b}`))}))`
}
