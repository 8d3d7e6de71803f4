/**
 * Survey files through the dashboards' export path (workbook.server.ts): the summary (the page's figures,
 * breakdowns and each question's distribution), every response with its answers, and a batch of links for
 * sending — each with «Определения» and «О файле», streamed row by row.
 */
import type { Readable } from 'node:stream'
import { DATE_TIME_FORMAT, addAbout, addDefinitions, addSheet, localWallClock, safeText, streamWorkbook } from '#reports/export/workbook.server.ts'
import { metricCatalog } from '#reports/metrics/catalog.ts'
import { SURVEY_COLUMNS, SURVEY_METRICS, SURVEY_TILES } from '#reports/metrics/dashboard-layout.ts'
import type { BreakdownRow } from '#reports/metrics/dashboard-view.server.ts'
import { setFigure } from '#reports/metrics/exports.server.ts'
import { appealForm, appealTopic, labelOf } from '#reports/vocabulary.ts'
import { type BatchLink, COLLECTED_BY, DELIVERIES, KIND_LABELS, type Survey } from './questions.ts'
import { type QuestionSummary, type ResponseRow, type SurveyResults, answerText } from './results.server.ts'

type About = readonly (readonly [string, string])[]

export function surveySummaryWorkbook(survey: Survey, results: SurveyResults, questions: readonly QuestionSummary[], about: About): Readable {
  return streamWorkbook(async (book) => {
    const tiles = addSheet(book, 'Показатели', ['Показатель', 'Значение', 'Год назад'], [52, 16, 16])
    for (const id of SURVEY_TILES) {
      const r = tiles.addRow([metricCatalog[id].label, null, null])
      setFigure(tiles, r.number, 2, id, results.current[id])
      setFigure(tiles, r.number, 3, id, results.previous[id])
      r.commit()
    }
    tiles.commit()

    const dist = addSheet(book, 'Вопросы', ['№', 'Вопрос', 'Вид', 'Ответ', 'Число ответов', 'Показатель', 'Значение'], [5, 50, 30, 30, 14, 36, 14])
    questions.forEach((q, n) => {
      dist.addRow([n + 1, safeText(q.text), KIND_LABELS[q.kind], 'ответили на вопрос', q.answered]).commit()
      for (const b of q.bars) dist.addRow([null, null, null, safeText(b.label), b.count]).commit()
      for (const [id, value] of Object.entries(q.figures)) {
        const r = dist.addRow([null, null, null, null, null, metricCatalog[id as keyof typeof metricCatalog].label])
        setFigure(dist, r.number, 7, id as keyof typeof metricCatalog, value)
        r.commit()
      }
    })
    dist.commit()

    const breakdown = (name: string, rows: readonly BreakdownRow[]) => {
      const sheet = addSheet(book, name, ['', ...SURVEY_COLUMNS.map((id) => metricCatalog[id].label)], [40, ...SURVEY_COLUMNS.map(() => 18)])
      for (const row of rows) {
        const r = sheet.addRow([safeText(row.label)])
        SURVEY_COLUMNS.forEach((id, i) => setFigure(sheet, r.number, i + 2, id, row.figures[id]))
        r.commit()
      }
      sheet.commit()
    }
    breakdown('По офисам', results.byOffice)
    breakdown('По формам', results.byForm)
    breakdown('По способу опроса', results.byDelivery)
    addDefinitions(book, SURVEY_METRICS)
    addAbout(book, [...about, ['Опрос', survey.title], ['Проведено опросов в периоде', String(results.conducted)]])
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
    const sheet = addSheet(book, 'Анкеты', header, [10, 17, 20, 24, 16, 24, 14, ...survey.questions.map((q) => (q.kind === 'text' ? 50 : 16))])
    sheet.getColumn(2).numFmt = DATE_TIME_FORMAT
    let count = 0
    for await (const page of pages) {
      for (const r of page) {
        const via = r.delivery ? (DELIVERIES[r.delivery as keyof typeof DELIVERIES] ?? r.delivery) : COLLECTED_BY[r.collectedBy as keyof typeof COLLECTED_BY]
        const answers = survey.questions.map((q) => {
          const value = answerText(q, r.answers[q.id])
          return typeof value === 'string' ? safeText(q.kind === 'text' ? freeText(value) : value) : value
        })
        sheet
          .addRow([
            Number(r.id),
            localWallClock(r.submittedAt, zone),
            via,
            r.officeCode ? (offices.get(r.officeCode) ?? r.officeCode) : null,
            r.form ? labelOf(appealForm, r.form) : null,
            r.topic ? labelOf(appealTopic, r.topic) : null,
            r.regNumber,
            ...answers,
          ])
          .commit()
        count++
      }
    }
    sheet.commit()
    addAbout(book, [...about, ['Опрос', survey.title], ['Анкет в файле', String(count)]])
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
    const sheet = addSheet(
      book,
      'Ссылки',
      ['№', 'Ссылка на опрос', 'Действует до', 'Ответ получен', 'Обращение', 'Ответ на обращение дан', 'Форма', 'Тема', 'Потребитель', 'Телефон', 'E-mail'],
      [6, 48, 17, 10, 14, 17, 14, 24, 28, 18, 26],
    )
    sheet.getColumn(3).numFmt = DATE_TIME_FORMAT
    sheet.getColumn(6).numFmt = DATE_TIME_FORMAT
    let n = 0
    for await (const page of pages) {
      for (const l of page) {
        n++
        sheet
          .addRow([
            n,
            url(l.token),
            l.expiresAt ? localWallClock(l.expiresAt, zone) : null,
            l.answered ? 'да' : 'нет',
            l.regNumber ? safeText(l.regNumber) : null,
            l.answeredAt ? localWallClock(l.answeredAt, zone) : null,
            l.form ? labelOf(appealForm, l.form) : null,
            l.topic ? labelOf(appealTopic, l.topic) : null,
            safeText(personal(l.name) ?? ''),
            safeText(personal(l.phone) ?? ''),
            safeText(personal(l.email) ?? ''),
          ])
          .commit()
      }
    }
    sheet.commit()
    addAbout(book, [...about, ['Опрос', survey.title], ['Ссылок в файле', String(n)]])
  })
}
