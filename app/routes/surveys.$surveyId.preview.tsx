/**
 * How the consumer sees a survey (issue 16): the public page's form, drawn from the survey's definition,
 * read-only — nothing can be sent from here and no link is used up. Without the product's menu, as the
 * consumer sees it, with a strip back to the survey.
 */
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { SurveyPrivacy, SurveyQuestions } from '#app/components/survey-form.tsx'
import { requireSurvey } from '#app/models/survey.server.ts'
import { getAppContext } from '#app/utils/app-database.server.ts'
import { requireRouteAccess } from '#app/utils/auth.server.ts'

export const handle = { bare: true }

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Предпросмотр: ${data?.title ?? 'опрос'} — Качество обслуживания` }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireRouteAccess(request, 'surveys.$surveyId.preview.tsx')
  const { database, org } = await getAppContext()
  const survey = await requireSurvey(database.db, org.id, params.surveyId)
  return { id: survey.id, orgName: org.name, title: survey.title, intro: survey.intro, questions: survey.questions }
}

export default function SurveyPreview() {
  const d = useLoaderData<typeof loader>()
  return (
    <>
      <div className="preview-strip" data-testid="preview-strip">
        Предпросмотр: так анкету видит потребитель по ссылке или QR-коду. Отправить ответ отсюда нельзя. <Link to={`/surveys/${d.id}`}>← К опросу</Link>
      </div>
      <article className="public-survey" data-testid="survey-preview">
        <p className="muted">{d.orgName}</p>
        <h1>{d.title}</h1>
        {d.intro ? <p>{d.intro}</p> : null}
        <SurveyPrivacy tied={false} />
        <form className="stack" onSubmit={(e) => e.preventDefault()} aria-label="Анкета (предпросмотр)">
          <fieldset disabled className="plain">
            <SurveyQuestions questions={d.questions} />
            <button type="submit" className="big">
              Отправить ответ
            </button>
          </fieldset>
        </form>
      </article>
    </>
  )
}
