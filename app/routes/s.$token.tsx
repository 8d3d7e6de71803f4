import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from '@remix-run/node'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { type FormValues, SurveyPrivacy, SurveyQuestions, formValues } from '#app/components/survey-form.tsx'
import { type LinkState, resolveLink, storeResponse } from '#app/models/survey.server.ts'
import { getAppContext } from '#app/utils/app-database.server.ts'
import { SURVEY_LIMITS, tooManyRequests } from '#app/utils/rate-limit.server.ts'
import { readAnswers } from '#reports/surveys/questions.ts'

/** The consumer's page: no menu, no sign-in. */
export const handle = { bare: true }

export const meta: MetaFunction = () => [
  { title: 'Опрос о качестве обслуживания' },
  { name: 'robots', content: 'noindex' },
  { name: 'referrer', content: 'no-referrer' },
]

const MAX_FORM_BYTES = 1_000_000

type Shown = Exclude<LinkState['state'], 'ok'> | 'ok' | 'done'

/** What the page may show: the survey's words and questions, never what the link is tied to. */
function publicView(link: LinkState) {
  return {
    state: link.state as Shown,
    orgName: link.orgName ?? null,
    title: link.survey?.title ?? null,
    intro: link.state === 'ok' ? link.survey.intro : null,
    opensOn: link.survey?.opensOn ?? null,
    questions: link.state === 'ok' ? link.survey.questions : [],
    /** the answer will be tied to an appeal, a call or a visit (the consumer is told so; what it is, is not shown) */
    tied: link.state === 'ok' && Boolean(link.invitation.dims.appealId || link.invitation.dims.callId || link.invitation.dims.visitId),
  }
}

export async function loader({ params, context }: LoaderFunctionArgs) {
  const { database } = await getAppContext()
  if (!(await SURVEY_LIMITS.viewsPerAddress.allow(database.db, String(context?.ip ?? 'unknown')))) throw tooManyRequests()
  const link = await resolveLink(database.db, params.token ?? '')
  return data(publicView(link), { status: link.state === 'unknown' ? 404 : 200, headers: { 'Cache-Control': 'no-store' } })
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const token = params.token ?? ''
  const { database } = await getAppContext()
  if (!(await SURVEY_LIMITS.answersPerAddress.allow(database.db, String(context?.ip ?? 'unknown')))) throw tooManyRequests()
  // a form of 30 questions with the longest free answers is well under this; nothing bigger is read
  const length = request.headers.get('content-length')
  if (length === null) throw new Response('Анкета отправлена без указания длины.', { status: 411 })
  if (!(Number(length) <= MAX_FORM_BYTES)) throw new Response('Слишком большая анкета.', { status: 413 })
  const link = await resolveLink(database.db, token)
  if (link.state !== 'ok') return data({ ...publicView(link), errors: {}, values: {} as FormValues }, { status: link.state === 'unknown' ? 404 : 409 })
  const form = await request.formData()
  const { answers, errors } = readAnswers(link.survey.questions, (name) => form.getAll(name).map(String))
  if (Object.keys(errors).length > 0 || answers.length === 0) {
    const message = answers.length === 0 && Object.keys(errors).length === 0 ? { _form: 'Ответьте, пожалуйста, хотя бы на один вопрос.' } : {}
    return data({ ...publicView(link), errors: { ...errors, ...message }, values: formValues(form, link.survey.questions) }, { status: 400 })
  }
  const stored = await storeResponse(database.db, {
    survey: link.survey,
    invitation: link.invitation,
    collectedBy: link.invitation.delivery === 'qr' ? 'qr' : 'link',
    dims: link.invitation.dims,
    answers,
  })
  const state: Shown = stored.stored ? 'done' : 'used'
  return data({ ...publicView(link), state, questions: [], errors: {}, values: {} as FormValues }, { status: stored.stored ? 200 : 409 })
}

const MESSAGES: Record<Exclude<Shown, 'ok'>, { title: string; text: string }> = {
  done: { title: 'Спасибо!', text: 'Ваш ответ получен. Он поможет нам работать лучше.' },
  used: { title: 'Ответ уже получен', text: 'По этой ссылке уже заполнена анкета — каждая ссылка принимает один ответ. Спасибо, что уделили нам время!' },
  expired: { title: 'Срок действия ссылки истёк', text: 'К сожалению, эта ссылка больше не действует. Спасибо, что хотели ответить!' },
  planned: { title: 'Опрос ещё не начался', text: 'Опрос откроется позже. Пожалуйста, вернитесь по этой ссылке в день начала опроса.' },
  closed: { title: 'Опрос завершён', text: 'Этот опрос уже закончился. Спасибо за интерес!' },
  unknown: { title: 'Ссылка не найдена', text: 'Проверьте, пожалуйста, что ссылка скопирована полностью.' },
}

const dateRu = (d: string | null) => (d ? d.split('-').reverse().join('.') : '')

export default function AnswerSurvey() {
  const loaded = useLoaderData<typeof loader>()
  const posted = useActionData<typeof action>()
  const view = posted ?? loaded
  const errors: Record<string, string> = posted?.errors ?? {}
  return (
    <article className="public-survey" data-testid="public-survey">
      {view.orgName ? <p className="muted">{view.orgName}</p> : null}
      {view.state === 'ok' ? (
        <>
          <h1>{view.title}</h1>
          {view.intro ? <p>{view.intro}</p> : null}
          <SurveyPrivacy tied={view.tied} />
          <Form method="post" className="stack" noValidate>
            <SurveyQuestions questions={view.questions} values={posted?.values ?? {}} errors={errors} />
            {Object.keys(errors).length > 0 ? (
              <p className="notice bad" role="alert" data-testid="survey-errors">
                {errors._form ?? 'Проверьте, пожалуйста, отмеченные вопросы.'}
              </p>
            ) : null}
            <button type="submit" className="big">
              Отправить ответ
            </button>
          </Form>
        </>
      ) : (
        <section data-testid={`survey-${view.state}`}>
          {view.title ? <p className="muted">{view.title}</p> : null}
          <h1>{MESSAGES[view.state].title}</h1>
          <p>
            {MESSAGES[view.state].text}
            {view.state === 'planned' && view.opensOn ? ` Начало опроса — ${dateRu(view.opensOn)}.` : ''}
          </p>
        </section>
      )}
    </article>
  )
}
