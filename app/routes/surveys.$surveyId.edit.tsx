import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { SurveyEditor } from '#app/components/survey-editor.tsx'
import { requireSurvey, responseCount } from '#app/models/survey.server.ts'
import { getAppContext } from '#app/utils/app-database.server.ts'
import { requireRouteAccess } from '#app/utils/auth.server.ts'
import { saveSurveyForm } from '#app/utils/survey-form.server.ts'

export const meta: MetaFunction = () => [{ title: 'Изменить опрос — Качество обслуживания' }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireRouteAccess(request, 'surveys.$surveyId.edit.tsx')
  const { database, org } = await getAppContext()
  const survey = await requireSurvey(database.db, org.id, params.surveyId)
  const offices = await database.db.selectFrom('office').select(['office_code as code', 'name']).where('org_id', '=', org.id).orderBy('name').execute()
  return { survey, offices, answered: await responseCount(database.db, survey.id) }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  await requireRouteAccess(request, 'surveys.$surveyId.edit.tsx')
  const { database, org } = await getAppContext()
  const survey = await requireSurvey(database.db, org.id, params.surveyId)
  return saveSurveyForm(request, 'surveys.$surveyId.edit.tsx', survey.id, context)
}

export default function EditSurvey() {
  const { survey, offices, answered } = useLoaderData<typeof loader>()
  const posted = useActionData<typeof action>()
  return (
    <>
      <p>
        <Link to={`/surveys/${survey.id}`}>← Итоги опроса</Link>
      </p>
      <h1>{survey.title}</h1>
      <SurveyEditor survey={survey} offices={offices} locked={answered} errors={posted?.errors ?? []} submitLabel="Сохранить" copyFrom={survey.id} />
    </>
  )
}
