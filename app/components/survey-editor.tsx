/**
 * The survey builder: title, what the survey evaluates, its days, and the questions (kind, wording, required,
 * options), added, moved and removed in the browser; the whole definition is posted and checked on the
 * server (`surveyDefinitionSchema`). Once a survey has answers its questions are shown, not edited.
 */
import { Form, Link } from '@remix-run/react'
import { useState } from 'react'
import { VocabularyOptions } from '#app/components/metric-text.tsx'
import {
  KIND_DEFAULT_TEXT,
  KIND_LABELS,
  QUESTION_KINDS,
  type Question,
  type QuestionKind,
  SUBJECT_KINDS,
  type SubjectKind,
  type SurveyDefinition,
  nextQuestionId,
} from '#reports/surveys/questions.ts'
import { appealForm, appealTopic } from '#reports/vocabulary.ts'

const choice = (kind: QuestionKind) => kind === 'single' || kind === 'multi'

export function SurveyEditor({
  survey,
  offices,
  locked,
  errors,
  submitLabel,
  copyFrom,
}: {
  survey: SurveyDefinition
  offices: { code: string; name: string }[]
  locked: number
  errors: string[]
  submitLabel: string
  copyFrom?: string
}) {
  const [questions, setQuestions] = useState<Question[]>(survey.questions)
  const [subjectKind, setSubjectKind] = useState<SubjectKind>(survey.subjectKind)
  const [newKind, setNewKind] = useState<QuestionKind>('csat')
  const change = (i: number, patch: Partial<Question>) => setQuestions((qs) => qs.map((q, k) => (k === i ? { ...q, ...patch } : q)))
  const move = (i: number, by: number) =>
    setQuestions((qs) => {
      const next = [...qs]
      const [q] = next.splice(i, 1)
      next.splice(i + by, 0, q!)
      return next
    })
  const add = () =>
    setQuestions((qs) => [
      ...qs,
      {
        id: nextQuestionId(qs),
        kind: newKind,
        text: KIND_DEFAULT_TEXT[newKind],
        required: newKind === 'csat',
        ...(choice(newKind) ? { options: ['Вариант 1', 'Вариант 2'] } : {}),
      },
    ])
  return (
    <Form method="post" className="stack" data-testid="survey-editor">
      <section className="card stack">
        <label>
          Название
          <input type="text" name="title" defaultValue={survey.title} required maxLength={200} />
        </label>
        <label>
          Вступление (видит потребитель перед вопросами)
          <textarea name="intro" rows={2} defaultValue={survey.intro ?? ''} maxLength={2000} />
        </label>
        <div className="filters">
          <label>
            Что оценивает опрос
            <select name="subjectKind" value={subjectKind} onChange={(e) => setSubjectKind(e.target.value as SubjectKind)} disabled={locked > 0}>
              {Object.entries(SUBJECT_KINDS).map(([k, label]) => (
                <option key={k} value={k}>
                  {label}
                </option>
              ))}
            </select>
          </label>
          {subjectKind === 'office' ? (
            <label>
              Офис
              <select name="subjectCode" defaultValue={survey.subjectCode ?? ''} disabled={locked > 0}>
                {offices.map((o) => (
                  <option key={o.code} value={o.code}>
                    {o.name}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          {subjectKind === 'form' ? (
            <label>
              Форма обслуживания
              <select name="subjectCode" defaultValue={survey.subjectCode ?? ''} disabled={locked > 0}>
                <VocabularyOptions vocabulary={appealForm} />
              </select>
            </label>
          ) : null}
          {subjectKind === 'topic' ? (
            <label>
              Тема обращения
              <select name="subjectCode" defaultValue={survey.subjectCode ?? ''} disabled={locked > 0}>
                <VocabularyOptions vocabulary={appealTopic} />
              </select>
            </label>
          ) : null}
          <label>
            Начало
            <input type="date" name="opensOn" defaultValue={survey.opensOn} required />
          </label>
          <label>
            Окончание (пусто — без срока)
            <input type="date" name="closesOn" defaultValue={survey.closesOn ?? ''} />
          </label>
        </div>
        {locked > 0 ? (
          <>
            <input type="hidden" name="subjectKind" value={survey.subjectKind} />
            <input type="hidden" name="subjectCode" value={survey.subjectCode ?? ''} />
          </>
        ) : null}
      </section>

      <input type="hidden" name="questions" value={JSON.stringify(questions)} />
      <h2>Вопросы</h2>
      {locked > 0 ? (
        <p className="notice warn">
          Получено анкет: {locked}. Вопросы и предмет опроса больше не меняются — ответы относятся к ним. Название, вступление и сроки изменить можно; чтобы
          изменить вопросы, {copyFrom ? <Link to={`/surveys/new?from=${copyFrom}`}>скопируйте опрос</Link> : 'скопируйте опрос'}.
        </p>
      ) : null}
      {questions.map((q, i) => (
        <fieldset key={q.id} className="card stack" data-testid={`edit-${q.id}`}>
          <legend>
            Вопрос {i + 1} · {KIND_LABELS[q.kind]}
          </legend>
          <label>
            Текст вопроса
            <input
              type="text"
              value={q.text}
              onChange={(e) => change(i, { text: e.target.value })}
              disabled={locked > 0}
              aria-label={`Текст вопроса ${i + 1}`}
            />
          </label>
          {choice(q.kind) ? (
            <label>
              Варианты ответа (по одному в строке)
              <textarea
                rows={Math.max(3, q.options?.length ?? 0)}
                value={(q.options ?? []).join('\n')}
                onChange={(e) => change(i, { options: e.target.value.split('\n') })}
                disabled={locked > 0}
                aria-label={`Варианты ответа на вопрос ${i + 1}`}
              />
            </label>
          ) : null}
          <label style={{ display: 'flex', gap: '0.5rem', alignItems: 'center' }}>
            <input type="checkbox" checked={q.required} onChange={(e) => change(i, { required: e.target.checked })} disabled={locked > 0} /> обязательный
          </label>
          {locked > 0 ? null : (
            <p>
              <button type="button" className="link" onClick={() => move(i, -1)} disabled={i === 0}>
                ↑ выше
              </button>{' '}
              <button type="button" className="link" onClick={() => move(i, 1)} disabled={i === questions.length - 1}>
                ↓ ниже
              </button>{' '}
              <button type="button" className="link" onClick={() => setQuestions((qs) => qs.filter((_, k) => k !== i))}>
                ✕ удалить
              </button>
            </p>
          )}
        </fieldset>
      ))}
      {locked > 0 ? null : (
        <p className="filters">
          <label>
            Новый вопрос
            <select value={newKind} onChange={(e) => setNewKind(e.target.value as QuestionKind)} aria-label="Вид нового вопроса">
              {QUESTION_KINDS.map((k) => (
                <option key={k} value={k}>
                  {KIND_LABELS[k]}
                </option>
              ))}
            </select>
          </label>
          <button type="button" onClick={add} data-testid="add-question">
            Добавить вопрос
          </button>
        </p>
      )}
      {errors.length ? (
        <div className="notice bad" role="alert" data-testid="editor-errors">
          {errors.map((e) => (
            <div key={e}>{e}</div>
          ))}
        </div>
      ) : null}
      <button type="submit">{submitLabel}</button>
    </Form>
  )
}
