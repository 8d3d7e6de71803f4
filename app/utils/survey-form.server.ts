/** The survey builder's form → a checked definition, saved; Russian errors the page shows as a list. */
import { data, redirect } from '@remix-run/node'
import type { AppLoadContext } from '@remix-run/node'
import { saveSurveyCommand } from '#app/models/survey-commands.server.ts'
import { InputError } from '#reports/errors.ts'
import { definitionErrors, surveyDefinitionSchema } from '#reports/surveys/questions.ts'
import { getAppContext } from './app-database.server.ts'
import { requireActor } from './auth.server.ts'
import type { RouteId } from './access.ts'

export async function saveSurveyForm(request: Request, route: RouteId, surveyId: string | null, context: AppLoadContext | undefined) {
  const actor = await requireActor({ request, context }, route)
  const { database } = await getAppContext()
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
    id = await saveSurveyCommand(database.db, actor, surveyId, parsed.data)
  } catch (error) {
    if (error instanceof InputError) return data({ errors: [error.message] }, { status: 400 })
    throw error
  }
  return redirect(`/surveys/${id}`)
}
