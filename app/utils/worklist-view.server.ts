import { getAppContext } from './app-database.server.ts'
import { getScope, requireRouteAccess } from './auth.server.ts'
import { type RouteId, canSeePersonalData } from './access.ts'
import { cachedView } from './view-cache.server.ts'
import { buildWorkList } from '#reports/worklist/worklist.server.ts'

/** The work list of the signed-in user («как сейчас», N working days from the URL, 1–30, default 3). */
export async function workListContext(request: Request, route: RouteId) {
  const user = await requireRouteAccess(request, route)
  const scope = getScope(user)
  const { database, org } = await getAppContext()
  const asked = Number(new URL(request.url).searchParams.get('days') ?? 3)
  const days = Number.isInteger(asked) && asked >= 0 && asked <= 30 ? asked : 3
  const personalData = canSeePersonalData(user.roles)
  const asOf = new Date()
  const list = await cachedView(database, { view: 'worklist', scope, params: { days, personalData }, asOfNow: true }, () =>
    buildWorkList(database.db, { scope, asOf, dueDays: days, personalData }),
  )
  return { user, scope, database, org, days, personalData, list }
}
