/** The survey builder's form → a checked definition, saved; Russian errors the page shows as a list. */
import { data, redirect } from '@remix-run/node'
import { recordAudit } from '#app/models/audit.server.ts'
import { InputError } from '#reports/errors.ts'
import { saveSurvey } from '#app/models/survey.server.ts'
import { definitionErrors, surveyDefinitionSchema } from '#reports/surveys/questions.ts'
import { getAppContext } from './app-database.server.ts'
import { requireRouteAccess } from './auth.server.ts'
import type { RouteId } from './access.ts'

export async function saveSurveyForm(request: Request, route: RouteId, surveyId: string | null, ip: string | undefined) {
  const user = await requireRouteAccess(request, route)
  const { database, org } = await getAppContext()
  const form = await request.formData()
  let questions: unknown = []
  try {
    questions = JSON.parse(String(form.get('questions') ?? '[]'))
  } catch {
    return data({ errors: ['Вопросы: не удалось прочитать список вопросов, обновите страницу.'] }, { status: 400 })
  }
  // blank lines between options are not options
  if (Array.isArray(questions))
    questions = questions.map((q: unknown) =>
      q && typeof q === 'object' && Array.isArray((q as { options?: unknown }).options)
        ? { ...q, options: (q as { options: unknown[] }).options.filter((o) => typeof o !== 'string' || o.trim() !== '') }
        : q,
    )
  const text = (name: string) => String(form.get(name) ?? '')
  const parsed = surveyDefinitionSchema.safeParse({
    title: text('title'),
    intro: text('intro'),
    subjectKind: text('subjectKind'),
    subjectCode: text('subjectKind') === 'organisation' ? '' : text('subjectCode'),
    opensOn: text('opensOn'),
    closesOn: text('closesOn'),
    questions,
  })
  if (!parsed.success) return data({ errors: definitionErrors(parsed.error) }, { status: 400 })
  let id: string
  try {
    id = await saveSurvey(database.db, org.id, user.id, surveyId, parsed.data)
  } catch (error) {
    if (error instanceof InputError) return data({ errors: [error.message] }, { status: 400 })
    throw error
  }
  await recordAudit(database.db, {
    orgId: org.id,
    userId: user.id,
    actor: user.login,
    action: surveyId ? 'survey.update' : 'survey.create',
    object: parsed.data.title,
    details: { survey: id, questions: parsed.data.questions.length, opensOn: parsed.data.opensOn, closesOn: parsed.data.closesOn },
    ip,
  })
  return redirect(`/surveys/${id}`)
}
