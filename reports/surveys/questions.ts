/**
 * What a survey is made of, as data: the kinds of questions (with their scales), a survey's definition
 * checked by one schema, and the check of a consumer's answers against the questions — the same rules on
 * the public page, the operator's phone form and the tests. Messages are Russian and name the question.
 * Client-safe.
 */
import { z } from 'zod'
import { appealForm, appealTopic } from '#reports/vocabulary.ts'

export const QUESTION_KINDS = ['csat', 'nps', 'ces', 'single', 'multi', 'text'] as const
export type QuestionKind = (typeof QUESTION_KINDS)[number]

interface Scale {
  min: number
  max: number
  /** words at the ends of the scale (and, for CSAT, at every point) */
  labels: Record<number, string>
}

export const SCALES: Record<'csat' | 'nps' | 'ces', Scale> = {
  csat: { min: 1, max: 5, labels: { 1: 'очень плохо', 2: 'плохо', 3: 'удовлетворительно', 4: 'хорошо', 5: 'отлично' } },
  nps: { min: 0, max: 10, labels: { 0: 'точно нет', 10: 'точно да' } },
  ces: { min: 1, max: 7, labels: { 1: 'очень трудно', 7: 'очень легко' } },
}

export const KIND_LABELS: Record<QuestionKind, string> = {
  csat: 'Оценка 1–5 (удовлетворённость, CSAT)',
  nps: 'Готовность рекомендовать 0–10 (NPS)',
  ces: 'Лёгкость решения вопроса 1–7 (CES)',
  single: 'Один вариант из списка',
  multi: 'Несколько вариантов из списка',
  text: 'Свободный ответ',
}

/** The wording a new question of a kind starts with (the officer edits it). */
export const KIND_DEFAULT_TEXT: Record<QuestionKind, string> = {
  csat: 'Оцените, пожалуйста, качество обслуживания',
  nps: 'Насколько вероятно, что вы порекомендуете наш офис обслуживания знакомым?',
  ces: 'Насколько легко было решить ваш вопрос?',
  single: 'Как вы обратились к нам?',
  multi: 'Что вам понравилось?',
  text: 'Что нам стоит улучшить?',
}

export const SUBJECT_KINDS = {
  organisation: 'Организация в целом',
  office: 'Офис обслуживания',
  form: 'Форма обслуживания',
  topic: 'Тема обращения',
} as const
export type SubjectKind = keyof typeof SUBJECT_KINDS

/** How a personal link is handed to the consumer. */
export const DELIVERIES = { sms: 'SMS', email: 'электронная почта', phone: 'телефонный опрос', qr: 'QR-код в офисе', other: 'иначе' } as const
/** How an answer came in. */
export const COLLECTED_BY = { link: 'по ссылке', qr: 'по QR-коду', phone: 'оператор по телефону' } as const

/** What a single link or a phone answer can be tied to, and how its number is called. */
export type RecordKind = 'appeal' | 'call' | 'visit'
export const RECORD_KINDS: Record<RecordKind, string> = { appeal: 'обращение (рег. номер)', call: 'звонок (ID звонка)', visit: 'посещение (номер талона)' }

/** The record a form names (`recordKind`, `recordNumber`), or none when no number was typed. */
export function readRecord(form: FormData): { kind: RecordKind; number: string } | undefined {
  const kind = String(form.get('recordKind') ?? '')
  const number = String(form.get('recordNumber') ?? '').trim()
  return number && Object.hasOwn(RECORD_KINDS, kind) ? { kind: kind as RecordKind, number } : undefined
}

/** The largest batch of links made at once. */
export const MAX_BATCH = 50_000

export const MAX_QUESTIONS = 30
export const MAX_OPTIONS = 20
export const MAX_TEXT_ANSWER = 2000

const trimmed = (max: number) =>
  z
    .string()
    .transform((s) => s.trim())
    .pipe(z.string().min(1, 'не заполнено').max(max, `не длиннее ${max} символов`))

export const questionSchema = z
  .object({
    id: z.string().regex(/^q\d{1,4}$/),
    kind: z.enum(QUESTION_KINDS),
    text: trimmed(500),
    required: z.boolean(),
    options: z.array(trimmed(200)).max(MAX_OPTIONS, `не больше ${MAX_OPTIONS} вариантов`).optional(),
  })
  .strict()
  .superRefine((q, ctx) => {
    const choice = q.kind === 'single' || q.kind === 'multi'
    if (choice && (q.options?.length ?? 0) < 2) ctx.addIssue({ code: 'custom', path: ['options'], message: 'нужно не меньше двух вариантов ответа' })
    if (choice && new Set(q.options).size !== q.options?.length) ctx.addIssue({ code: 'custom', path: ['options'], message: 'варианты ответа повторяются' })
    if (!choice && q.options?.length) ctx.addIssue({ code: 'custom', path: ['options'], message: 'варианты ответа бывают только у вопросов с выбором' })
  })
export type Question = z.infer<typeof questionSchema>

const dateText = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'дата в виде ГГГГ-ММ-ДД')

export const surveyDefinitionSchema = z
  .object({
    title: trimmed(200),
    intro: z
      .string()
      .trim()
      .max(2000, 'Вступление: не длиннее 2000 символов')
      .optional()
      .transform((s) => s || null),
    subjectKind: z.enum(Object.keys(SUBJECT_KINDS) as [SubjectKind, ...SubjectKind[]]),
    subjectCode: z
      .string()
      .trim()
      .optional()
      .transform((s) => s || null),
    opensOn: dateText,
    closesOn: dateText
      .optional()
      .or(z.literal(''))
      .transform((s) => s || null),
    questions: z.array(questionSchema).min(1, 'нужен хотя бы один вопрос').max(MAX_QUESTIONS, `не больше ${MAX_QUESTIONS} вопросов`),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.closesOn && s.closesOn < s.opensOn) ctx.addIssue({ code: 'custom', path: ['closesOn'], message: 'опрос не может закончиться раньше, чем начался' })
    if (s.subjectKind === 'organisation' && s.subjectCode)
      ctx.addIssue({ code: 'custom', path: ['subjectCode'], message: 'для организации в целом код не нужен' })
    if (s.subjectKind !== 'organisation' && !s.subjectCode) ctx.addIssue({ code: 'custom', path: ['subjectCode'], message: 'выберите, что оценивает опрос' })
    if (s.subjectKind === 'form' && s.subjectCode && !Object.hasOwn(appealForm, s.subjectCode))
      ctx.addIssue({ code: 'custom', path: ['subjectCode'], message: 'нет такой формы обслуживания' })
    if (s.subjectKind === 'topic' && s.subjectCode && !Object.hasOwn(appealTopic, s.subjectCode))
      ctx.addIssue({ code: 'custom', path: ['subjectCode'], message: 'нет такой темы' })
    if (new Set(s.questions.map((q) => q.id)).size !== s.questions.length)
      ctx.addIssue({ code: 'custom', path: ['questions'], message: 'номера вопросов повторяются' })
  })
export type SurveyDefinition = z.infer<typeof surveyDefinitionSchema>

const FIELD_NAMES: Record<string, string> = {
  title: 'Название',
  intro: 'Вступление',
  subjectKind: 'Что оценивает опрос',
  subjectCode: 'Что оценивает опрос',
  opensOn: 'Начало опроса',
  closesOn: 'Окончание опроса',
  questions: 'Вопросы',
}

/** zod's issues as Russian lines: «Вопрос 2: нужно не меньше двух вариантов ответа». */
export function definitionErrors(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const [field, index, sub] = issue.path
    if (field === 'questions' && typeof index === 'number') {
      const where = sub === 'options' ? ', варианты ответа' : sub === 'text' ? ', текст вопроса' : ''
      return `Вопрос ${index + 1}${where}: ${issue.message}`
    }
    return `${FIELD_NAMES[String(field)] ?? String(field ?? 'Опрос')}: ${issue.message}`
  })
}

/** The next free question id of a survey (q1, q2, …). */
export function nextQuestionId(questions: readonly { id: string }[]): string {
  const used = questions.map((q) => Number(q.id.slice(1))).filter(Number.isFinite)
  return `q${Math.max(0, ...used) + 1}`
}

// ---------------------------------------------------------------------------------------------- answers

/** One stored answer: a score (CSAT, NPS, CES), chosen options (indices from 0), or text. */
export interface Answer {
  questionId: string
  kind: QuestionKind
  score: number | null
  choices: number[] | null
  text: string | null
}

export type AnswerErrors = Record<string, string>

/**
 * A consumer's answers read from a form (field `q1` … holds a question's answer; `multi` questions give
 * several values) and checked against the questions: scores on the scale, options that exist, required
 * questions answered, text not too long. Nothing is trusted from the browser.
 */
export function readAnswers(questions: readonly Question[], values: (name: string) => string[]): { answers: Answer[]; errors: AnswerErrors } {
  const answers: Answer[] = []
  const errors: AnswerErrors = {}
  for (const q of questions) {
    const raw = values(q.id)
      .map((v) => v.trim())
      .filter((v) => v !== '')
    if (raw.length === 0) {
      if (q.required)
        errors[q.id] = q.kind === 'multi' ? 'Отметьте хотя бы один вариант.' : q.kind === 'text' ? 'Напишите, пожалуйста, ответ.' : 'Выберите ответ.'
      continue
    }
    if (q.kind === 'csat' || q.kind === 'nps' || q.kind === 'ces') {
      const { min, max } = SCALES[q.kind]
      const n = Number(raw[0])
      if (raw.length > 1 || !Number.isInteger(n) || n < min || n > max) {
        errors[q.id] = `Оценка должна быть целым числом от ${min} до ${max}.`
        continue
      }
      answers.push({ questionId: q.id, kind: q.kind, score: n, choices: null, text: null })
    } else if (q.kind === 'single' || q.kind === 'multi') {
      const picked = raw.map(Number)
      const count = q.options?.length ?? 0
      if (picked.some((n) => !Number.isInteger(n) || n < 0 || n >= count)) {
        errors[q.id] = 'Такого варианта ответа нет.'
        continue
      }
      if (q.kind === 'single' && picked.length > 1) {
        errors[q.id] = 'Выберите один вариант.'
        continue
      }
      answers.push({ questionId: q.id, kind: q.kind, score: null, choices: [...new Set(picked)].sort((a, b) => a - b), text: null })
    } else {
      const text = raw.join('\n')
      if ([...text].length > MAX_TEXT_ANSWER) {
        errors[q.id] = `Ответ не длиннее ${MAX_TEXT_ANSWER} символов (сейчас ${[...text].length}).`
        continue
      }
      answers.push({ questionId: q.id, kind: q.kind, score: null, choices: null, text })
    }
  }
  return { answers, errors }
}

/** A survey as stored (app/models/survey.server.ts reads and writes it). */
export interface Survey extends SurveyDefinition {
  id: string
  orgId: string
}

/** A personal link of a batch, with the appeal it was made for (the batch file). */
export interface BatchLink {
  id: string
  token: string
  createdAt: Date
  expiresAt: Date | null
  answered: boolean
  regNumber: string | null
  answeredAt: Date | null
  form: string | null
  officeCode: string | null
  topic: string | null
  name: string | null
  phone: string | null
  email: string | null
}
