import { getAppContext } from './app-database.server.ts'
import { getScope, requireRouteAccess } from './auth.server.ts'
import { type RouteId, canSeePersonalData } from './access.ts'
import { cachedView } from './view-cache.server.ts'
import type { Database } from '#db/client.server.ts'
import type { Scope } from '#db/scope.server.ts'
import { buildWorkList } from '#reports/worklist/worklist.server.ts'

/** The work list of the signed-in user («как сейчас», N working days from the URL, 1–30, default 3). */
export async function workListContext(request: Request, route: RouteId) {
  const user = await requireRouteAccess(request, route)
  const scope = getScope(user)
  const { database, org } = await getAppContext()
  const personalData = canSeePersonalData(user.roles)
  const { list, days } = await workListOf(database, scope, personalData, new URL(request.url).searchParams.get('days'))
  return { user, scope, database, org, days, personalData, list }
}

/** The work list of a scope for «days» as the URL gives it (the page and its file, through the page cache). */
export async function workListOf(database: Database, scope: Scope, personalData: boolean, daysText: string | null | undefined) {
  const asked = Number(daysText ?? 3)
  const days = Number.isInteger(asked) && asked >= 0 && asked <= 30 ? asked : 3
  const asOf = new Date()
  const list = await cachedView(database, { view: 'worklist', scope, params: { days, personalData }, asOfNow: true }, () =>
    buildWorkList(database.db, { scope, asOf, dueDays: days, personalData }),
  )
  return { list, days }
}
