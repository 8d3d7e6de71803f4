import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { Breakdown, figureLink } from '#app/components/breakdown.tsx'
import { TrendLine } from '#app/components/charts.tsx'
import { Definitions } from '#app/components/metric-text.tsx'
import { MetricTile } from '#app/components/metric-tile.tsx'
import { ViewFilter } from '#app/components/view-filter.tsx'
import { STATE_LABELS, listSurveys, surveyState } from '#app/models/survey.server.ts'
import { hasAnyRole, routeAccess } from '#app/utils/access.ts'
import { formatCount } from '#reports/format.ts'
import { surveysViewContext } from '#app/utils/survey-view.server.ts'
import { filterOptions } from '#app/utils/view.server.ts'
import { metricCatalog } from '#reports/metrics/catalog.ts'
import { periodLabel, viewQuery } from '#reports/metrics/view.ts'
import { SUBJECT_KINDS } from '#reports/surveys/questions.ts'
import { SURVEY_COLUMNS, SURVEY_METRICS, SURVEY_TILES } from '#reports/metrics/dashboard-layout.ts'
import { buildSurveyResults } from '#reports/surveys/results.server.ts'
import { appealForm, appealTopic, labelOf } from '#reports/vocabulary.ts'

export const meta: MetaFunction = () => [{ title: 'Опросы — Качество обслуживания' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await surveysViewContext(request, 'surveys._index.tsx')
  const db = ctx.database.db
  const surveys = await listSurveys(db, ctx.scope)
  const results = await buildSurveyResults(db, ctx.scope, ctx.view, { offices: ctx.offices, surveys: new Map(surveys.map((s) => [s.id, s.title])) })
  const now = new Date()
  const subjectOf = (s: (typeof surveys)[number]) =>
    s.subjectKind === 'organisation'
      ? SUBJECT_KINDS.organisation
      : `${SUBJECT_KINDS[s.subjectKind]}: ${s.subjectKind === 'office' ? (ctx.offices.get(s.subjectCode!) ?? s.subjectCode) : s.subjectKind === 'form' ? labelOf(appealForm, s.subjectCode) : labelOf(appealTopic, s.subjectCode)}`
  return {
    surveys: surveys.map((s) => ({
      id: s.id,
      title: s.title,
      state: STATE_LABELS[surveyState(s, now, ctx.org.time_zone)],
      days: `${s.opensOn.split('-').reverse().join('.')} — ${s.closesOn ? s.closesOn.split('-').reverse().join('.') : 'без срока'}`,
      subject: subjectOf(s),
      questions: s.questions.length,
      responses: s.responses,
      invitations: s.invitations,
    })),
    results,
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
    mayBuild: hasAnyRole(ctx.user.roles, routeAccess['surveys.new.tsx']),
  }
}

export default function Surveys() {
  const { surveys, results, query, periodText, view, options, mayBuild } = useLoaderData<typeof loader>()
  const link = figureLink(query)
  return (
    <>
      <h1>Опросы потребителей</h1>
      <p className="muted">
        Анкеты по ссылкам, QR-кодам в офисах и телефонным опросам (приложение 4, п. 11 приказа № 186). Итоги опросов за год попадают в таблицу 4.7{' '}
        <Link to="/reports/appendix-7">Приложения 7</Link>.
      </p>
      <section className="card">
        <h2>Опросы</h2>
        {mayBuild ? (
          <p>
            <Link to="/surveys/new" data-testid="new-survey">
              Создать опрос
            </Link>
          </p>
        ) : null}
        <table data-testid="survey-list">
          <thead>
            <tr>
              <th>Опрос</th>
              <th>Что оценивает</th>
              <th>Сроки</th>
              <th>Состояние</th>
              <th className="num">Вопросов</th>
              <th className="num">Приглашений</th>
              <th className="num">Анкет</th>
            </tr>
          </thead>
          <tbody>
            {surveys.length === 0 ? (
              <tr>
                <td colSpan={7} className="muted">
                  Опросов пока нет.
                </td>
              </tr>
            ) : null}
            {surveys.map((s) => (
              <tr key={s.id}>
                <td>
                  <Link to={`/surveys/${s.id}`}>{s.title}</Link>
                </td>
                <td>{s.subject}</td>
                <td>{s.days}</td>
                <td>{s.state}</td>
                <td className="num">{s.questions}</td>
                <td className="num">{formatCount(s.invitations)}</td>
                <td className="num">{formatCount(s.responses)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <h2>Итоги всех опросов</h2>
      <ViewFilter view={view} options={options} />
      <p className="muted">
        {periodText}; сравнение — с тем же периодом год назад. Проведено опросов: {formatCount(results.conducted)} (
        {metricCatalog['surveys.conducted'].definition.toLowerCase()})
      </p>
      <div className="tiles" data-testid="surveys-tiles">
        {SURVEY_TILES.map((id) => (
          <MetricTile key={id} id={id} value={results.current[id]} before={results.previous[id]} />
        ))}
      </div>
      <div className="charts">
        <TrendLine id="chart-csat" title="Удовлетворённость (CSAT)" data={results.series} unit="share" />
      </div>
      <Breakdown
        caption="По опросам"
        metrics={SURVEY_COLUMNS}
        rows={results.bySurvey}
        linkFor={(_, narrowing) => (narrowing.survey ? `/surveys/${narrowing.survey}?${query}` : null)}
        testId="by-survey"
      />
      <Breakdown caption="По формам обслуживания" metrics={SURVEY_COLUMNS} rows={results.byForm} linkFor={link} testId="by-form" />
      <Breakdown caption="По офисам" metrics={SURVEY_COLUMNS} rows={results.byOffice} linkFor={link} testId="by-office" />
      <Breakdown caption="По способу опроса" metrics={SURVEY_COLUMNS} rows={results.byDelivery} linkFor={() => null} testId="by-delivery" />
      <p className="muted">
        Оценки рядом с показателями обслуживания тех же форм и офисов — на странице <Link to={`/dashboard?${query}`}>«Показатели»</Link>.
      </p>
      <h2>Определения</h2>
      <Definitions ids={SURVEY_METRICS} />
    </>
  )
}
