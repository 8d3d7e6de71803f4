/**
 * A survey's questions as form fields: the consumer's public page and the operator's phone form show the same
 * questions the same way. Plain inputs (radio buttons for scales and single choice, checkboxes for multiple
 * choice), so the page works on any phone, also without JavaScript; the server checks every answer.
 */
import { MAX_TEXT_ANSWER, type Question, RECORD_KINDS, type RecordKind, SCALES } from '#reports/surveys/questions.ts'

export type FormValues = Record<string, string[]>

function Scale({ q, values }: { q: Question & { kind: 'csat' | 'nps' | 'ces' }; values: string[] }) {
  const { min, max, labels } = SCALES[q.kind]
  const points = Array.from({ length: max - min + 1 }, (_, i) => min + i)
  return (
    <>
      <div className={`scale scale-${points.length}`} role="radiogroup" aria-labelledby={`${q.id}-label`}>
        {points.map((v) => (
          <label key={v} className="point" title={labels[v]}>
            <input
              type="radio"
              name={q.id}
              value={v}
              defaultChecked={values.includes(String(v))}
              required={q.required}
              aria-label={labels[v] ? `${v} — ${labels[v]}` : String(v)}
            />
            <span>{v}</span>
          </label>
        ))}
      </div>
      <div className="scale-ends muted">
        <span>
          {min} — {labels[min]}
        </span>
        <span>
          {max} — {labels[max]}
        </span>
      </div>
    </>
  )
}

export function SurveyQuestions({
  questions,
  values = {},
  errors = {},
}: {
  questions: readonly Question[]
  values?: FormValues
  errors?: Record<string, string>
}) {
  return (
    <>
      {questions.map((q, n) => {
        const v = values[q.id] ?? []
        return (
          <fieldset key={q.id} className={`question${errors[q.id] ? ' invalid' : ''}`} data-question={q.id}>
            <legend id={`${q.id}-label`}>
              {n + 1}. {q.text}
              {q.required ? (
                <span className="required" title="обязательный вопрос">
                  {' '}
                  *
                </span>
              ) : (
                <span className="muted"> (необязательно)</span>
              )}
            </legend>
            {q.kind === 'csat' || q.kind === 'nps' || q.kind === 'ces' ? <Scale q={q as Question & { kind: 'csat' | 'nps' | 'ces' }} values={v} /> : null}
            {q.kind === 'single' || q.kind === 'multi'
              ? (q.options ?? []).map((label, i) => (
                  <label key={i} className="choice">
                    <input
                      type={q.kind === 'single' ? 'radio' : 'checkbox'}
                      name={q.id}
                      value={i}
                      defaultChecked={v.includes(String(i))}
                      required={q.kind === 'single' && q.required}
                    />{' '}
                    {label}
                  </label>
                ))
              : null}
            {q.kind === 'text' ? (
              <textarea name={q.id} rows={4} maxLength={MAX_TEXT_ANSWER} defaultValue={v[0] ?? ''} required={q.required} aria-labelledby={`${q.id}-label`} />
            ) : null}
            {errors[q.id] ? (
              <p className="field-error" role="alert">
                {errors[q.id]}
              </p>
            ) : null}
          </fieldset>
        )
      })}
    </>
  )
}

/** What a form posted, per question (the values to show again next to the errors). */
export function formValues(form: FormData, questions: readonly Question[]): FormValues {
  return Object.fromEntries(questions.map((q) => [q.id, form.getAll(q.id).map(String)]))
}

/** What a link or a phone answer is tied to: the kind of record and its number (read by `readRecord`). */
export function RecordFields({ label, kinds }: { label: string; kinds: readonly RecordKind[] }) {
  return (
    <>
      <label>
        {label}
        <select name="recordKind" defaultValue={kinds[0]}>
          {kinds.map((k) => (
            <option key={k} value={k}>
              {RECORD_KINDS[k]}
            </option>
          ))}
        </select>
      </label>
      <label>
        Номер (необязательно)
        <input type="text" name="recordNumber" maxLength={80} />
      </label>
    </>
  )
}

/** What the consumer is told above the questions: the public page and its preview say the same. */
export function SurveyPrivacy({ tied }: { tied: boolean }) {
  return (
    <p className="muted" data-testid="privacy">
      {tied
        ? 'Ответ будет связан с вашим недавним обращением, чтобы мы могли разобраться в нём; имя и контакты мы не спрашиваем.'
        : 'Опрос анонимный: мы не спрашиваем имя и контакты.'}{' '}
      Вопросы со звёздочкой (*) обязательны.
    </p>
  )
}
