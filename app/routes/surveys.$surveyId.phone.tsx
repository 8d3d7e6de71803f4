import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { type FormValues, RecordFields, SurveyQuestions, formValues } from '#app/components/survey-form.tsx'
import { InputError } from '#reports/errors.ts'
import { STATE_LABELS, requireSurvey, surveyState } from '#app/models/survey.server.ts'
import { storePhoneResponseCommand } from '#app/models/survey-commands.server.ts'
import { getAppContext } from '#app/utils/app-database.server.ts'
import { requireActor, requireRouteAccess } from '#app/utils/auth.server.ts'
import { readAnswers, readRecord } from '#reports/surveys/questions.ts'

export const meta: MetaFunction = () => [{ title: 'Телефонный опрос — Качество обслуживания' }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireRouteAccess(request, 'surveys.$surveyId.phone.tsx')
  const { database, org } = await getAppContext()
  const survey = await requireSurvey(database.db, org.id, params.surveyId)
  const state = surveyState(survey, new Date(), org.time_zone)
  return { survey: { id: survey.id, title: survey.title, questions: survey.questions }, open: state === 'open', stateLabel: STATE_LABELS[state] }
}

/** The operator reads the questions to the consumer and enters the answers; tied to the appeal or call when its number is given. */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const actor = await requireActor({ request, context }, 'surveys.$surveyId.phone.tsx')
  const { database, org } = await getAppContext()
  const survey = await requireSurvey(database.db, org.id, params.surveyId)
  const form = await request.formData()
  const values = formValues(form, survey.questions)
  const fail = (message: string, errors: Record<string, string> = {}) => data({ message, errors, values }, { status: 400 })
  if (surveyState(survey, new Date(), org.time_zone) !== 'open')
    return fail(`Опрос ${STATE_LABELS[surveyState(survey, new Date(), org.time_zone)]}: анкеты не принимаются.`)
  const { answers, errors } = readAnswers(survey.questions, (name) => form.getAll(name).map(String))
  if (Object.keys(errors).length) return fail('Проверьте отмеченные вопросы.', errors)
  if (answers.length === 0) return fail('Анкета пуста: внесите хотя бы один ответ.')
  let stored
  try {
    stored = await storePhoneResponseCommand(database.db, actor, survey, { record: readRecord(form) ?? null, answers })
  } catch (error) {
    if (error instanceof InputError) return fail(error.message)
    throw error
  }
  if (!stored.stored) return fail('По ссылке этого обращения анкета уже получена.')
  return redirect(`/surveys/${survey.id}/phone?saved=${stored.id}`)
}

export default function PhoneSurvey() {
  const { survey, open, stateLabel } = useLoaderData<typeof loader>()
  const posted = useActionData<typeof action>()
  const [search] = useSearchParams()
  const saved = search.get('saved')
  return (
    <>
      <p>
        <Link to={`/surveys/${survey.id}`}>← Итоги опроса</Link>
      </p>
      <h1>Телефонный опрос: {survey.title}</h1>
      <p className="muted">
        Прочитайте потребителю вопросы и отметьте ответы. Имя и телефон потребителя не вносятся; номер обращения или звонка привязывает анкету к его офису и
        форме.
      </p>
      {saved && !posted ? (
        <p className="notice ok" data-testid="phone-saved">
          Анкета № {saved} сохранена. Можно вносить следующую.
        </p>
      ) : null}
      {!open ? (
        <p className="notice warn">Опрос {stateLabel}: анкеты не принимаются.</p>
      ) : (
        <Form method="post" className="stack" key={saved ?? 'new'}>
          <div className="filters card">
            <RecordFields label="Анкета по" kinds={['appeal', 'call']} />
          </div>
          <SurveyQuestions questions={survey.questions} values={(posted?.values ?? {}) as FormValues} errors={posted?.errors ?? {}} />
          {posted?.message ? (
            <p className="notice bad" role="alert">
              {posted.message}
            </p>
          ) : null}
          <button type="submit">Сохранить анкету</button>
        </Form>
      )}
    </>
  )
}
