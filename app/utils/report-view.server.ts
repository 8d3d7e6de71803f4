/** The year and the «as of» moment of a report request, and who asks. */
import { getAppContext } from '#app/utils/app-database.server.ts'
import type { AppLoadContext } from '@remix-run/node'
import { actorOf, getScope, requireRouteAccess } from '#app/utils/auth.server.ts'
import type { RouteId } from '#app/utils/access.ts'
import { latestAppealYear } from '#reports/deadlines/compliance.server.ts'
import { endOfLocalDay, isDateText } from '#reports/metrics/period.ts'
import { wholeNumber } from '#app/utils/input.ts'
import { localParts } from '#reports/time/local-time.ts'

const YEAR = wholeNumber(2000, 2100)

/** `context` (the request's load context) gives the actor its client address for the audit row. */
export async function reportRequest(request: Request, route: RouteId, context?: AppLoadContext) {
  const user = await requireRouteAccess(request, route)
  const scope = getScope(user)
  const app = await getAppContext()
  const url = new URL(request.url)
  const zone = app.org.time_zone
  const yearText = url.searchParams.get('year')
  const fallback = (await latestAppealYear(app.database.db, scope, zone)) ?? localParts(new Date(), zone).year
  const year = YEAR.catch(fallback).parse(yearText)
  const asOfText = url.searchParams.get('asOf')
  const asOf = isDateText(asOfText) ? endOfLocalDay(asOfText, zone) : new Date()
  const query = new URLSearchParams({ year: String(year), ...(isDateText(asOfText) ? { asOf: asOfText } : {}) }).toString()
  return { ...app, user, actor: actorOf(user, app.org, context), scope, year, asOf, asOfText: isDateText(asOfText) ? asOfText : null, query }
}
