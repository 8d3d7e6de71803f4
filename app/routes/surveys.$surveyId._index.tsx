import { cachedView } from '#app/utils/view-cache.server.ts'
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { Breakdown, withParams } from '#app/components/breakdown.tsx'
import { TrendLine } from '#app/components/charts.tsx'
import { Definitions } from '#app/components/metric-text.tsx'
import { MetricTile } from '#app/components/metric-tile.tsx'
import { ViewFilter } from '#app/components/view-filter.tsx'
import { STATE_LABELS, surveyState } from '#app/models/survey.server.ts'
import { hasAnyRole, routeAccess } from '#app/utils/access.ts'
import { formatCount, formatDateTime, formatMetric } from '#reports/format.ts'
import { pageParam } from '#app/utils/page-param.ts'
import { freeTextFor, surveyViewContext } from '#app/utils/survey-view.server.ts'
import { filterOptions } from '#app/utils/view.server.ts'
import { type MetricId, metricCatalog } from '#reports/metrics/catalog.ts'
import { SURVEY_COLUMNS, SURVEY_METRICS } from '#reports/metrics/dashboard-layout.ts'
import { periodLabel, viewQuery } from '#reports/metrics/view.ts'
import { KIND_LABELS } from '#reports/surveys/questions.ts'
import { buildSurveyResults, questionSummaries, textAnswers } from '#reports/surveys/results.server.ts'
import { appealForm, labelOf } from '#reports/vocabulary.ts'
import { barShare, surveyTilesFor } from '#app/utils/survey-tiles.ts'
import { filesHref } from '#app/utils/files.ts'

export const meta: MetaFunction = () => [{ title: 'Итоги опроса — Качество обслуживания' }]

const TEXT_PAGE = 50

// everything this page shows comes from watched data: whole pages may be answered from the page cache (ADR 023)
export const handle = { pageCache: true }

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { ctx, survey } = await surveyViewContext(request, 'surveys.$surveyId._index.tsx', params.surveyId)
  const db = ctx.database.db
  const page = pageParam(request)
  // kept per data generation (view-cache.server.ts); the survey's own questions are part of the data
  const [results, questions, texts] = await cachedView(
    ctx.database,
    { view: 'survey', scope: ctx.scope, params: { survey: survey.id, view: ctx.view, page } },
    () =>
      Promise.all([
        buildSurveyResults(db, ctx.scope, ctx.view, { offices: ctx.offices }, survey.id),
        questionSummaries(db, ctx.scope, ctx.view, survey),
        textAnswers(db, ctx.scope, ctx.view, survey.id, page, TEXT_PAGE),
      ]),
  )
  const shown = freeTextFor(ctx.user.roles)
  const questionText = new Map(survey.questions.map((q, i) => [q.id, `${i + 1}. ${q.text}`]))
  const may = (route: keyof typeof routeAccess) => hasAnyRole(ctx.user.roles, routeAccess[route])
  return {
    survey: {
      id: survey.id,
      title: survey.title,
      state: STATE_LABELS[surveyState(survey, new Date(), ctx.org.time_zone)],
      opensOn: survey.opensOn,
      closesOn: survey.closesOn,
    },
    results,
    questions,
    texts: {
      total: texts.total,
      page,
      rows: texts.rows.map((t) => ({
        when: formatDateTime(t.submittedAt, ctx.org.time_zone),
        question: questionText.get(t.questionId) ?? t.questionId,
        text: shown(t.text),
        where: [t.officeCode ? (ctx.offices.get(t.officeCode) ?? t.officeCode) : null, t.form ? labelOf(appealForm, t.form) : null].filter(Boolean).join(', '),
      })),
    },
    query: viewQuery(ctx.view),
    periodText: periodLabel(ctx.view),
    view: {
      kind: ctx.view.kind,
      year: ctx.view.year,
      quarter: ctx.view.quarter,
      month: ctx.view.month,
      from: ctx.view.period.from,
      to: ctx.view.period.to,
      filter: ctx.view.filter,
    },
    options: filterOptions(ctx),
    may: { edit: may('surveys.$surveyId.edit.tsx'), links: may('surveys.$surveyId.links.tsx'), phone: may('surveys.$surveyId.phone.tsx') },
  }
}

export default function SurveyResults() {
  const { survey, results, questions, texts, query, periodText, view, options, may } = useLoaderData<typeof loader>()
  const pages = Math.max(1, Math.ceil(texts.total / TEXT_PAGE))
  const day = (d: string | null) => (d ? d.split('-').reverse().join('.') : 'без срока')
  return (
    <>
      <p>
        <Link to="/surveys">← Опросы</Link>
      </p>
      <h1>{survey.title}</h1>
      <p className="muted">
        {day(survey.opensOn)} — {day(survey.closesOn)} · {survey.state}
      </p>
      <p className="subnav">
        <Link to={`/surveys/${survey.id}/preview`} data-testid="preview-link">
          Как видит потребитель
        </Link>
        {may.edit ? (
          <>
            {' · '}
            <Link to={`/surveys/${survey.id}/edit`}>Изменить опрос</Link>
            {' · '}
            <Link to={`/surveys/new?from=${survey.id}`}>Копировать опрос</Link>
          </>
        ) : null}
        {may.links ? (
          <>
            {' · '}
            <Link to={`/surveys/${survey.id}/links`}>Ссылки, QR-коды, выпуски</Link>
          </>
        ) : null}
        {may.phone ? (
          <>
            {' · '}
            <Link to={`/surveys/${survey.id}/phone`}>Телефонный опрос</Link>
          </>
        ) : null}
        {' · '}
        <a href={filesHref('survey-summary', 'xlsx', { survey: survey.id }, query)} download data-testid="download-summary">
          Сводка (XLSX)
        </a>
        {' · '}
        <a href={filesHref('survey-answers', 'xlsx', { survey: survey.id }, query)} download data-testid="download-answers">
          Все анкеты (XLSX)
        </a>
      </p>
      <ViewFilter view={view} options={options} />
      <p className="muted">{periodText}; сравнение — с тем же периодом год назад.</p>
      <div className="tiles" data-testid="survey-tiles">
        {surveyTilesFor(questions.map((q) => q.kind)).map((id) => (
          <MetricTile key={id} id={id} value={results.current[id]} before={results.previous[id]} />
        ))}
      </div>

      <h2>Ответы на вопросы</h2>
      {questions.map((q, n) => {
        const max = Math.max(1, ...q.bars.map((b) => b.count))
        return (
          <section key={q.id} className="card" data-testid={`question-${q.id}`}>
            <h3>
              {n + 1}. {q.text}
            </h3>
            <p className="muted">
              {KIND_LABELS[q.kind]}
              {q.required ? ', обязательный' : ''} · ответили: <span data-testid="answered">{formatCount(q.answered)}</span>
              {Object.entries(q.figures).map(([id, value]) => (
                <span key={id} title={metricCatalog[id as MetricId].definition}>
                  {' · '}
                  {metricCatalog[id as MetricId].label}: <strong data-metric={id}>{formatMetric(metricCatalog[id as MetricId].unit, value)}</strong>
                </span>
              ))}
            </p>
            {q.bars.length ? (
              <div className="bars">
                {q.bars.map((b) => (
                  <div key={b.label} style={{ display: 'contents' }}>
                    <span>{b.label}</span>
                    <span>
                      <span className="bar" style={{ display: 'block', width: `${(b.count / max) * 100}%`, minWidth: b.count ? '2px' : 0 }} />
                    </span>
                    <span className="num">
                      {formatCount(b.count)} <span className="muted">· {barShare(b.count, q.answered)}</span>
                    </span>
                  </div>
                ))}
              </div>
            ) : (
              <p className="muted">Свободные ответы — ниже.</p>
            )}
          </section>
        )
      })}

      <h2>Свободные ответы</h2>
      <table data-testid="text-answers">
        <thead>
          <tr>
            <th>Когда</th>
            <th>Вопрос</th>
            <th>Ответ</th>
            <th>Офис, форма</th>
          </tr>
        </thead>
        <tbody>
          {texts.rows.length === 0 ? (
            <tr>
              <td colSpan={4} className="muted">
                Свободных ответов за период нет.
              </td>
            </tr>
          ) : null}
          {texts.rows.map((t, i) => (
            <tr key={i}>
              <td>{t.when}</td>
              <td>{t.question}</td>
              <td style={{ whiteSpace: 'pre-wrap' }}>{t.text}</td>
              <td>{t.where}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {pages > 1 ? (
        <div className="pager">
          {texts.page > 1 ? <Link to={`?${query}&page=${texts.page - 1}`}>← новее</Link> : null}
          <span className="muted">
            страница {texts.page} из {pages} (всего {formatCount(texts.total)})
          </span>
          {texts.page < pages ? <Link to={`?${query}&page=${texts.page + 1}`}>старее →</Link> : null}
        </div>
      ) : null}

      <h2>Разрезы</h2>
      <div className="charts">
        <TrendLine id="chart-survey-csat" title="Удовлетворённость (CSAT)" data={results.series} unit="share" />
      </div>
      <Breakdown
        caption="По офисам"
        metrics={SURVEY_COLUMNS}
        rows={results.byOffice}
        linkFor={(_, narrowing) => (narrowing.office ? `/surveys/${survey.id}?${withParams(query, narrowing)}` : null)}
        testId="by-office"
      />
      <Breakdown
        caption="По формам обслуживания"
        metrics={SURVEY_COLUMNS}
        rows={results.byForm}
        linkFor={(_, narrowing) => (narrowing.form ? `/surveys/${survey.id}?${withParams(query, narrowing)}` : null)}
        testId="by-form"
      />
      <Breakdown caption="По способу опроса" metrics={SURVEY_COLUMNS} rows={results.byDelivery} linkFor={() => null} testId="by-delivery" />
      <p className="muted">
        Все опросы и сравнение с показателями обслуживания: <Link to={`/surveys?${query}`}>итоги опросов</Link>,{' '}
        <Link to={`/dashboard?${query}`}>показатели</Link>.
      </p>
      <h2>Определения</h2>
      <Definitions ids={SURVEY_METRICS} />
    </>
  )
}
