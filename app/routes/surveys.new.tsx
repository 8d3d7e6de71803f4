import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { SurveyEditor } from '#app/components/survey-editor.tsx'
import { getAppContext } from '#app/utils/app-database.server.ts'
import { requireRouteAccess } from '#app/utils/auth.server.ts'
import { saveSurveyForm } from '#app/utils/survey-form.server.ts'
import { getSurvey } from '#app/models/survey.server.ts'
import { dayText, localDayOf } from '#reports/time/days.ts'
import { KIND_DEFAULT_TEXT } from '#reports/surveys/questions.ts'

export const meta: MetaFunction = () => [{ title: 'Новый опрос — Качество обслуживания' }]

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRouteAccess(request, 'surveys.new.tsx')
  const { database, org } = await getAppContext()
  const offices = await database.db.selectFrom('office').select(['office_code as code', 'name']).where('org_id', '=', org.id).orderBy('name').execute()
  // «?from=N»: a copy of survey N (its questions can be changed: the copy has no answers yet)
  const from = await getSurvey(database.db, org.id, new URL(request.url).searchParams.get('from') ?? '')
  const copy = from
    ? { title: `${from.title} (копия)`, intro: from.intro, subjectKind: from.subjectKind, subjectCode: from.subjectCode, questions: from.questions }
    : null
  return { offices, today: dayText(localDayOf(new Date(), org.time_zone)), copy }
}

export async function action({ request, context }: ActionFunctionArgs) {
  return saveSurveyForm(request, 'surveys.new.tsx', null, context)
}

export default function NewSurvey() {
  const { offices, today, copy } = useLoaderData<typeof loader>()
  const posted = useActionData<typeof action>()
  // a sensible start: the three scores the results compare, and a free answer
  const survey = copy
    ? { ...copy, opensOn: today, closesOn: null }
    : {
        title: 'Оценка качества обслуживания',
        intro: 'Пожалуйста, оцените, как мы решили ваш вопрос. Опрос займёт меньше минуты.',
        subjectKind: 'organisation' as const,
        subjectCode: null,
        opensOn: today,
        closesOn: null,
        questions: [
          { id: 'q1', kind: 'csat' as const, text: KIND_DEFAULT_TEXT.csat, required: true },
          { id: 'q2', kind: 'ces' as const, text: KIND_DEFAULT_TEXT.ces, required: false },
          { id: 'q3', kind: 'nps' as const, text: KIND_DEFAULT_TEXT.nps, required: false },
          { id: 'q4', kind: 'text' as const, text: KIND_DEFAULT_TEXT.text, required: false },
        ],
      }
  return (
    <>
      <p>
        <Link to="/surveys">← Опросы</Link>
      </p>
      <h1>{copy ? 'Новый опрос по образцу' : 'Новый опрос'}</h1>
      <SurveyEditor survey={survey} offices={offices} locked={0} errors={posted?.errors ?? []} submitLabel="Создать опрос" />
    </>
  )
}
