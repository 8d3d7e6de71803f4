import type { LoaderFunctionArgs } from '@remix-run/node'
import { fileNameOf } from '#reports/registry/file-names.ts'
import { recordAudit } from '#app/models/audit.server.ts'
import { freeTextFor, surveyViewContext } from '#app/utils/survey-view.server.ts'
import { aboutFacts, xlsxResponse } from '#app/utils/view.server.ts'
import { viewQuery } from '#reports/metrics/view.ts'
import { surveyAnswersWorkbook, surveySummaryWorkbook } from '#reports/surveys/exports.server.ts'
import { buildSurveyResults, questionSummaries, responsePages } from '#reports/surveys/results.server.ts'

/** A survey's summary or all its responses as XLSX, for the same view (period, filters) as the page. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const file = params.file
  if (file !== 'summary' && file !== 'answers') throw new Response('Такого файла нет.', { status: 404 })
  const { ctx, survey } = await surveyViewContext(request, 'surveys.$surveyId.download.$file.ts', params.surveyId)
  const db = ctx.database.db
  await recordAudit(db, {
    orgId: ctx.org.id,
    userId: ctx.user.id,
    actor: ctx.user.login,
    action: 'export',
    object: `опрос: ${survey.title}`,
    details: { report: `survey-${file}`, survey: survey.id, query: viewQuery(ctx.view) },
    ip: context?.ip,
  })
  const name = fileNameOf({ what: file === 'summary' ? 'Опрос-итоги' : 'Опрос-анкеты', period: ctx.view.period, detail: `№${survey.id}`, ext: 'xlsx' })
  if (file === 'summary') {
    const [results, questions] = await Promise.all([
      buildSurveyResults(db, ctx.scope, ctx.view, { offices: ctx.offices }, survey.id),
      questionSummaries(db, ctx.scope, ctx.view, survey),
    ])
    return xlsxResponse(surveySummaryWorkbook(survey, results, questions, aboutFacts(ctx, 'Итоги опроса потребителей')), name)
  }
  const pages = responsePages(db, ctx.scope, ctx.view, survey.id)
  return xlsxResponse(
    surveyAnswersWorkbook(survey, pages, ctx.org.time_zone, ctx.offices, freeTextFor(ctx.user.roles), aboutFacts(ctx, 'Анкеты опроса потребителей')),
    name,
  )
}
