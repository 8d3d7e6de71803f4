/** What an Appendix 7 run stands on: the organisation, its policies and template, a fresh set of rollups. */
import type { Database } from '#db/client.server.ts'
import type { Scope } from '#db/scope.server.ts'
import { refreshRollups } from '#reports/metrics/rollups.server.ts'
import type { Appendix7Context } from './figures.server.ts'
import { policiesFrom } from './policies.ts'
import { BUILT_IN_TEMPLATE } from './template.ts'

export async function appendix7Context(database: Database, scope: Scope, year: number, asOf: Date): Promise<Appendix7Context> {
  await refreshRollups(database, scope.orgId)
  const org = await database.db
    .selectFrom('organisation')
    .select(['id', 'name', 'time_zone', 'report_policies'])
    .where('id', '=', scope.orgId)
    .executeTakeFirstOrThrow()
  return {
    db: database.db,
    org: { id: org.id, name: org.name, zone: org.time_zone },
    scope,
    year,
    asOf,
    policies: policiesFrom(org.report_policies),
    template: BUILT_IN_TEMPLATE,
  }
}
