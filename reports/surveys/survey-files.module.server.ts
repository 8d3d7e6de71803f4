/**
 * A survey's files as registry modules (issue 19 §6, ADR 026): its summary and every response, for the
 * screen's view (period, filters) of the survey's page, and a batch of its single-use links for sending.
 * The survey and the batch are found by the app before (`ReportSubjects`); the links and the responses are
 * those of the user's branches; contacts and free texts only for roles with personal data.
 */
import { z } from 'zod'
import { formatDateTime } from '#reports/format.ts'
import { maskPersonal } from '#reports/personal-data.ts'
import { viewQuery } from '#reports/metrics/view.ts'
import { type Facts, defineReport, subjectOf, viewFacts } from '#reports/registry/report.ts'
import { DELIVERIES } from './questions.ts'
import { batchWorkbook, surveyAnswersWorkbook, surveySummaryWorkbook } from './exports.server.ts'
import { redactContacts } from './redact.ts'
import { buildSurveyResults, questionSummaries, responsePages } from './results.server.ts'

const surveyParams = z.object({ survey: z.string().regex(/^\d{1,18}$/) })

export const surveySummaryReport = defineReport({
  id: 'survey-summary',
  title: 'Итоги опроса потребителей',
  page: 'surveys.$surveyId.download.$file.ts',
  from: 'страница опроса (Опросы → опрос)',
  input: 'view',
  subject: 'survey',
  formats: ['xlsx'],
  params: surveyParams,
  async prepare(ctx) {
    const { survey } = subjectOf(ctx, 'survey')
    const [results, questions] = await Promise.all([
      buildSurveyResults(ctx.database.db, ctx.scope, ctx.view!, { offices: ctx.offices ?? new Map() }, survey.id),
      questionSummaries(ctx.database.db, ctx.scope, ctx.view!, survey),
    ])
    return { survey, results, questions }
  },
  about: (ctx) => viewFacts(ctx, 'Итоги опроса потребителей'),
  name: (ctx, _p, data) => ({ what: 'Опрос-итоги', period: ctx.view!.period, detail: `№${data.survey.id}` }),
  write: { xlsx: (data, about) => surveySummaryWorkbook(data.survey, data.results, data.questions, about) },
  audit: (ctx, _p, data) => ({ object: `опрос: ${data.survey.title}`, survey: data.survey.id, query: viewQuery(ctx.view!) }),
})

export const surveyAnswersReport = defineReport({
  id: 'survey-answers',
  title: 'Анкеты опроса потребителей',
  page: 'surveys.$surveyId.download.$file.ts',
  from: 'страница опроса (Опросы → опрос)',
  input: 'view',
  subject: 'survey',
  formats: ['xlsx'],
  params: surveyParams,
  async prepare(ctx) {
    const { survey } = subjectOf(ctx, 'survey')
    return { survey, pages: responsePages(ctx.database.db, ctx.scope, ctx.view!, survey.id) }
  },
  about: (ctx) => viewFacts(ctx, 'Анкеты опроса потребителей'),
  name: (ctx, _p, data) => ({ what: 'Опрос-анкеты', period: ctx.view!.period, detail: `№${data.survey.id}` }),
  write: {
    xlsx: (data, about, ctx) =>
      surveyAnswersWorkbook(data.survey, data.pages, ctx.org.zone, ctx.offices ?? new Map(), ctx.personalData ? (t) => t : redactContacts, about),
  },
  audit: (ctx, _p, data) => ({ object: `опрос: ${data.survey.title}`, survey: data.survey.id, query: viewQuery(ctx.view!) }),
})

export const surveyBatchReport = defineReport({
  id: 'survey-batch',
  title: 'Выпуск ссылок на опрос',
  page: 'surveys.$surveyId.batches.$batchId[.xlsx].ts',
  from: 'ссылки опроса (Опросы → опрос → ссылки)',
  input: 'none',
  subject: 'survey-batch',
  formats: ['xlsx'],
  params: z.object({ survey: z.string().regex(/^\d{1,18}$/), batch: z.string().regex(/^\d{1,18}$/) }),
  prepare: async (ctx) => subjectOf(ctx, 'survey-batch'),
  about(ctx, _p, { batch }): Facts {
    const zone = ctx.org.zone
    return [
      ['Отчёт', 'Выпуск ссылок на опрос'],
      ['Организация', ctx.org.name],
      ['Обращения закрыты', `${batch.closed_from} — ${batch.closed_to}`],
      ['Способ', DELIVERIES[batch.delivery as keyof typeof DELIVERIES]],
      ['Выпустил', `${batch.created_by_name}, ${formatDateTime(batch.created_at, zone)}`],
      ['Персональные данные', ctx.personalData ? 'показаны' : 'скрыты (нет доступа)'],
      ['Сформирован', formatDateTime(new Date(), zone)],
      ['Сформировал', ctx.by],
    ]
  },
  name: (_ctx, _p, { survey, batch }) => ({ what: 'Ссылки-опроса', detail: [`№${survey.id}`, `выпуск-${batch.id}`] }),
  write: {
    xlsx: (data, about, ctx) =>
      batchWorkbook(data.survey, data.links, data.urlOf, ctx.org.zone, (v) => (ctx.personalData ? v : v ? maskPersonal(v) : v), about),
  },
  audit: (ctx, _p, { survey, batch }) => ({
    object: `ссылки опроса: ${survey.title}`,
    survey: survey.id,
    batch: batch.id,
    links: batch.created,
    personalData: ctx.personalData,
  }),
})
