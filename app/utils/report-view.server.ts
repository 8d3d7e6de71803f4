/** The year and the «as of» moment of a report request, and who asks. */
import { getAppContext } from '#app/utils/app-database.server.ts'
import { getScope, requireRouteAccess } from '#app/utils/auth.server.ts'
import type { RouteId } from '#app/utils/access.ts'
import { latestAppealYear } from '#reports/deadlines/compliance.server.ts'
import { endOfLocalDay, isDateText } from '#reports/metrics/period.ts'
import { clampInt } from '#reports/metrics/view.ts'
import { localParts } from '#reports/time/local-time.ts'

export async function reportRequest(request: Request, route: RouteId) {
  const user = await requireRouteAccess(request, route)
  const scope = getScope(user)
  const app = await getAppContext()
  const url = new URL(request.url)
  const zone = app.org.time_zone
  const yearText = url.searchParams.get('year')
  const fallback = (await latestAppealYear(app.database.db, scope, zone)) ?? localParts(new Date(), zone).year
  const year = clampInt(yearText, 2000, 2100, fallback)
  const asOfText = url.searchParams.get('asOf')
  const asOf = isDateText(asOfText) ? endOfLocalDay(asOfText, zone) : new Date()
  const query = new URLSearchParams({ year: String(year), ...(isDateText(asOfText) ? { asOf: asOfText } : {}) }).toString()
  return { ...app, user, scope, year, asOf, asOfText: isDateText(asOfText) ? asOfText : null, query }
}
