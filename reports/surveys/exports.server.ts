/**
 * Survey files through the dashboards' export path (reports/export/workbook.server.ts, on the writer library): the summary (the page's figures,
 * breakdowns and each question's distribution), every response with its answers, and a batch of links for
 * sending — each with «Определения» and «О файле», streamed row by row.
 */
import type { Readable } from 'node:stream'
import { addAbout, addDefinitions, addSheet, dateTimeCell, streamWorkbook, textCell } from '#reports/export/workbook.server.ts'
import type { Cell } from '#reports/sheet-writer/model.ts'
import { type MetricId, metricCatalog } from '#reports/metrics/catalog.ts'
import { SURVEY_COLUMNS, SURVEY_METRICS, SURVEY_TILES } from '#reports/metrics/dashboard-layout.ts'
import type { BreakdownRow } from '#reports/metrics/dashboard-view.server.ts'
import { figureCell } from '#reports/metrics/exports.server.ts'
import { appealForm, appealTopic, labelOf } from '#reports/vocabulary.ts'
import { type BatchLink, COLLECTED_BY, DELIVERIES, KIND_LABELS, type Survey } from './questions.ts'
import { type QuestionSummary, type ResponseRow, type SurveyResults, answerText } from './results.server.ts'

type About = readonly (readonly [string, string])[]

export function surveySummaryWorkbook(survey: Survey, results: SurveyResults, questions: readonly QuestionSummary[], about: About): Readable {
  return streamWorkbook(async (book) => {
    const tiles = await addSheet(book, 'Показатели', ['Показатель', 'Значение', 'Год назад'], [52, 16, 16])
    for (const id of SURVEY_TILES)
      await tiles.row([textCell(metricCatalog[id].label), figureCell(id, results.current[id]), figureCell(id, results.previous[id])])

    const dist = await addSheet(book, 'Вопросы', ['№', 'Вопрос', 'Вид', 'Ответ', 'Число ответов', 'Показатель', 'Значение'], [5, 50, 30, 30, 14, 36, 14])
    const blank = textCell(null)
    for (const [n, q] of questions.entries()) {
      await dist.row([
        { v: n + 1, s: 'number' },
        textCell(q.text),
        textCell(KIND_LABELS[q.kind]),
        textCell('ответили на вопрос'),
        { v: q.answered, s: 'count' },
      ])
      for (const b of q.bars) await dist.row([blank, blank, blank, textCell(b.label), { v: b.count, s: 'count' }])
      for (const [id, value] of Object.entries(q.figures))
        await dist.row([blank, blank, blank, blank, blank, textCell(metricCatalog[id as MetricId].label), figureCell(id as MetricId, value)])
    }

    const breakdown = async (name: string, rows: readonly BreakdownRow[]) => {
      const sheet = await addSheet(book, name, ['', ...SURVEY_COLUMNS.map((id) => metricCatalog[id].label)], [40, ...SURVEY_COLUMNS.map(() => 18)])
      for (const row of rows) await sheet.row([textCell(row.label), ...SURVEY_COLUMNS.map((id) => figureCell(id, row.figures[id]))])
    }
    await breakdown('По офисам', results.byOffice)
    await breakdown('По формам', results.byForm)
    await breakdown('По способу опроса', results.byDelivery)
    await addDefinitions(book, SURVEY_METRICS)
    await addAbout(book, [...about, ['Опрос', survey.title], ['Проведено опросов в периоде', String(results.conducted)]])
  })
}

/**
 * Every response of the view, one row each, a column per question (scores as numbers, options by their
 * words, free text as written — or with contacts hidden, for roles without personal data).
 */
export function surveyAnswersWorkbook(
  survey: Survey,
  pages: AsyncIterable<ResponseRow[]>,
  zone: string,
  offices: ReadonlyMap<string, string>,
  freeText: (t: string) => string,
  about: About,
): Readable {
  return streamWorkbook(async (book) => {
    const header = [
      '№ анкеты',
      'Заполнена',
      'Способ',
      'Офис',
      'Форма обслуживания',
      'Тема',
      'Обращение',
      ...survey.questions.map((q, i) => `${i + 1}. ${q.text}`),
    ]
    const sheet = await addSheet(book, 'Анкеты', header, [10, 17, 20, 24, 16, 24, 14, ...survey.questions.map((q) => (q.kind === 'text' ? 50 : 16))])
    let count = 0
    for await (const page of pages) {
      for (const r of page) {
        const via = r.delivery ? (DELIVERIES[r.delivery as keyof typeof DELIVERIES] ?? r.delivery) : COLLECTED_BY[r.collectedBy as keyof typeof COLLECTED_BY]
        const answers = survey.questions.map((q): Cell => {
          const value = answerText(q, r.answers[q.id])
          return typeof value === 'string' ? textCell(q.kind === 'text' ? freeText(value) : value) : value === null ? textCell(null) : { v: value, s: 'number' }
        })
        await sheet.row([
          { v: Number(r.id), s: 'number' },
          dateTimeCell(r.submittedAt, zone),
          textCell(via),
          textCell(r.officeCode ? (offices.get(r.officeCode) ?? r.officeCode) : null),
          textCell(r.form ? labelOf(appealForm, r.form) : null),
          textCell(r.topic ? labelOf(appealTopic, r.topic) : null),
          textCell(r.regNumber),
          ...answers,
        ])
        count++
      }
    }
    await addAbout(book, [...about, ['Опрос', survey.title], ['Анкет в файле', String(count)]])
  })
}

/** A batch of links for sending: the link, until when it works, the appeal and its contacts (masked for roles without personal data). */
export function batchWorkbook(
  survey: Survey,
  pages: AsyncIterable<BatchLink[]>,
  url: (token: string) => string,
  zone: string,
  personal: (v: string | null) => string | null,
  about: About,
): Readable {
  return streamWorkbook(async (book) => {
    const sheet = await addSheet(
      book,
      'Ссылки',
      ['№', 'Ссылка на опрос', 'Действует до', 'Ответ получен', 'Обращение', 'Ответ на обращение дан', 'Форма', 'Тема', 'Потребитель', 'Телефон', 'E-mail'],
      [6, 48, 17, 10, 14, 17, 14, 24, 28, 18, 26],
    )
    let n = 0
    for await (const page of pages) {
      for (const l of page) {
        n++
        await sheet.row([
          { v: n, s: 'number' },
          textCell(url(l.token)),
          dateTimeCell(l.expiresAt, zone),
          textCell(l.answered ? 'да' : 'нет'),
          textCell(l.regNumber),
          dateTimeCell(l.answeredAt, zone),
          textCell(l.form ? labelOf(appealForm, l.form) : null),
          textCell(l.topic ? labelOf(appealTopic, l.topic) : null),
          textCell(personal(l.name) ?? ''),
          textCell(personal(l.phone) ?? ''),
          textCell(personal(l.email) ?? ''),
        ])
      }
    }
    await addAbout(book, [...about, ['Опрос', survey.title], ['Ссылок в файле', String(n)]])
  })
}
