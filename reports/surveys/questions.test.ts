import { type Question, definitionErrors, nextQuestionId, readAnswers, surveyDefinitionSchema } from './questions.ts'
import { scaleSums } from './results.server.ts'
import { figuresOf } from '#reports/metrics/dashboard.server.ts'

const QUESTIONS: Question[] = [
  { id: 'q1', kind: 'csat', text: 'Оценка', required: true },
  { id: 'q2', kind: 'nps', text: 'Рекомендация', required: false },
  { id: 'q3', kind: 'single', text: 'Один', required: true, options: ['а', 'б'] },
  { id: 'q4', kind: 'multi', text: 'Несколько', required: false, options: ['а', 'б', 'в'] },
  { id: 'q5', kind: 'text', text: 'Текст', required: false },
]

const read = (fields: Record<string, string[]>) => readAnswers(QUESTIONS, (name) => fields[name] ?? [])

describe("a consumer's answers are checked on the server", () => {
  it('accepts answers on the scales and options that exist', () => {
    const { answers, errors } = read({ q1: ['5'], q2: ['0'], q3: ['1'], q4: ['2', '0', '2'], q5: ['  спасибо  '] })
    expect(errors).toEqual({})
    expect(answers).toEqual([
      { questionId: 'q1', kind: 'csat', score: 5, choices: null, text: null },
      { questionId: 'q2', kind: 'nps', score: 0, choices: null, text: null },
      { questionId: 'q3', kind: 'single', score: null, choices: [1], text: null },
      { questionId: 'q4', kind: 'multi', score: null, choices: [0, 2], text: null },
      { questionId: 'q5', kind: 'text', score: null, choices: null, text: 'спасибо' },
    ])
  })

  it('names what is wrong, in Russian, per question', () => {
    expect(read({}).errors).toEqual({ q1: 'Выберите ответ.', q3: 'Выберите ответ.' })
    expect(read({ q1: ['6'], q2: ['11'], q3: ['0', '1'], q4: ['3'] }).errors).toEqual({
      q1: 'Оценка должна быть целым числом от 1 до 5.',
      q2: 'Оценка должна быть целым числом от 0 до 10.',
      q3: 'Выберите один вариант.',
      q4: 'Такого варианта ответа нет.',
    })
    expect(read({ q1: ['4.5'], q3: ['-1'] }).errors).toEqual({ q1: 'Оценка должна быть целым числом от 1 до 5.', q3: 'Такого варианта ответа нет.' })
    expect(read({ q1: ['5'], q3: ['0'], q5: ['я'.repeat(2001)] }).errors).toEqual({ q5: 'Ответ не длиннее 2000 символов (сейчас 2001).' })
  })
})

describe('survey definitions', () => {
  const base = {
    title: 'Опрос',
    subjectKind: 'organisation',
    opensOn: '2025-01-01',
    closesOn: '',
    questions: [{ id: 'q1', kind: 'csat', text: 'Оценка', required: true }],
  }

  it('reads a definition; an empty end means open-ended', () => {
    expect(surveyDefinitionSchema.parse(base)).toMatchObject({ title: 'Опрос', closesOn: null, intro: null, subjectCode: null })
  })

  it('explains every problem in Russian', () => {
    const bad = surveyDefinitionSchema.safeParse({
      ...base,
      title: '  ',
      subjectKind: 'form',
      subjectCode: 'telegraph',
      closesOn: '2024-12-31',
      questions: [{ id: 'q1', kind: 'single', text: 'Выбор', required: false, options: ['да'] }],
    })
    expect(bad.success).toBe(false)
    expect(definitionErrors(bad.error!)).toEqual([
      'Название: не заполнено',
      'Вопрос 1, варианты ответа: нужно не меньше двух вариантов ответа',
      'Окончание опроса: опрос не может закончиться раньше, чем начался',
      'Что оценивает опрос: нет такой формы обслуживания',
    ])
  })

  it('numbers new questions after the highest', () => {
    expect(nextQuestionId([{ id: 'q1' }, { id: 'q7' }, { id: 'q3' }])).toBe('q8')
    expect(nextQuestionId([])).toBe('q1')
  })
})

describe("a question's own score uses the catalog formula", () => {
  it('CSAT, NPS and CES of counted answers', () => {
    expect(
      figuresOf(
        'surveys',
        scaleSums(
          'csat',
          new Map([
            [5, 2],
            [4, 1],
            [1, 1],
          ]),
        ),
      ),
    ).toMatchObject({ 'surveys.csat': 0.75, 'surveys.csat_mean': 15 / 4 })
    expect(
      figuresOf(
        'surveys',
        scaleSums(
          'nps',
          new Map([
            [10, 3],
            [8, 1],
            [6, 1],
            [0, 1],
          ]),
        ),
      )['surveys.nps'],
    ).toBeCloseTo(((3 - 2) / 6) * 100, 12)
    expect(
      figuresOf(
        'surveys',
        scaleSums(
          'ces',
          new Map([
            [7, 1],
            [1, 1],
          ]),
        ),
      )['surveys.ces'],
    ).toBe(4)
    expect(figuresOf('surveys', scaleSums('nps', new Map()))['surveys.nps']).toBeNull()
  })
})
