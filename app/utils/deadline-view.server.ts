import type { Db } from '#db/client.server.ts'
import type { Scope } from '#db/scope.server.ts'
import { latestAppealYear } from '#reports/deadlines/compliance.server.ts'
import { localParts } from '#reports/time/local-time.ts'
import { type DeadlineParams, readDeadlineParams } from './deadline-params.ts'

/** The «Сроки» parameters of a request; without a period, the year of the latest appeal the user may see. */
export async function deadlineParamsFor(request: Request, db: Db, scope: Scope, zone: string): Promise<DeadlineParams> {
  const year = (await latestAppealYear(db, scope, zone)) ?? localParts(new Date(), zone).year
  return readDeadlineParams(new URL(request.url), zone, year)
}
