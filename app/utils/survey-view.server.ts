/**
 * The common start of a survey results request (the view of the dashboards, defaulting to the survey's own
 * days or to the year of the latest answer) and what a role may read of consumers' free text.
 */
import { sql } from 'kysely'
import { type Survey, requireSurvey } from '#app/models/survey.server.ts'
import { dayText, localDayOf } from '#reports/time/days.ts'
import { surveyConditions } from '#reports/metrics/dashboard.server.ts'
import { redactContacts } from '#reports/surveys/redact.ts'
import { canSeePersonalData, type RouteId } from './access.ts'
import { type ViewContext, viewContext } from './view.server.ts'

/** A survey's results: by default from its first day to its last (or today). */
export async function surveyViewContext(request: Request, route: RouteId, surveyId: string | undefined): Promise<{ ctx: ViewContext; survey: Survey }> {
  let survey: Survey | undefined
  const ctx = await viewContext(request, route, async ({ database, org }) => {
    survey = await requireSurvey(database.db, org.id, surveyId)
    const today = dayText(localDayOf(new Date(), org.time_zone))
    const to = survey.closesOn && survey.closesOn < today ? survey.closesOn : today
    return { period: 'custom', from: survey.opensOn, to: to < survey.opensOn ? survey.opensOn : to }
  })
  survey ??= await requireSurvey(ctx.database.db, ctx.org.id, surveyId)
  return { ctx, survey }
}

/** All surveys' results: by default the year of the latest answer the user may see. */
export function surveysViewContext(request: Request, route: RouteId): Promise<ViewContext> {
  return viewContext(request, route, async ({ database, org, scope }): Promise<Record<string, string>> => {
    const row = await sql<{ year: number | null }>`
      select extract(year from max(r.submitted_at) at time zone ${org.time_zone})::int as year from survey_response r where ${sql.join(surveyConditions(scope, {}), sql` and `)}`.execute(
      database.db,
    )
    const year = row.rows[0]?.year
    return year ? { year: String(year) } : {}
  })
}

export { redactContacts }

export function freeTextFor(roles: readonly string[]): (text: string) => string {
  return canSeePersonalData(roles) ? (t) => t : redactContacts
}
