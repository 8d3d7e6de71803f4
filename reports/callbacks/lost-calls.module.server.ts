/**
 * The lost calls of /calls/lost as XLSX in the report registry (reports/registry.server.ts): the page's
 * figures, then every lost call of the period (and outcome) with what became of it, newest first like the
 * screen; numbers masked for roles without personal data (ADR 008).
 */
import { z } from 'zod'
import { addAbout, addDefinitions, addSheet, dateTimeCell, durationCell, streamWorkbook, textCell } from '#reports/export/workbook.server.ts'
import { figureCell } from '#reports/metrics/exports.server.ts'
import { metricCatalog } from '#reports/metrics/catalog.ts'
import { defineReport, viewFacts } from '#reports/registry/report.ts'
import {
  LOST_METRICS,
  LOST_OUTCOME_LABEL,
  type LostOutcome,
  allLostCalls,
  lostCallFigures,
  lostCallsSetup,
  lostFigureValues,
  normText,
} from './callbacks.server.ts'
import { formatPhone, maskPhone } from './phone.ts'

const TITLE = 'Потерянные звонки и перезвоны'
const OUTCOMES = Object.keys(LOST_OUTCOME_LABEL) as [LostOutcome, ...LostOutcome[]]

export const LOST_COLUMNS = ['Звонок', 'Начало', 'Окончание', 'Линия', 'Номер', 'Исход', 'Связались', 'Через (ч:мм:сс)', 'Связаться до', 'Вовремя'] as const

export const lostCallsReport = defineReport({
  id: 'lost-calls',
  title: TITLE,
  page: 'calls.lost.tsx',
  from: '«Потерянные звонки»',
  input: 'view',
  formats: ['xlsx'],
  params: z.object({ outcome: z.union([z.enum(OUTCOMES), z.literal('')]).optional() }),
  async prepare(ctx, params) {
    const setup = await lostCallsSetup(ctx.database.db, ctx.org.id)
    const q = { scope: ctx.scope, period: ctx.view!.period, asOf: ctx.asOf, ...setup }
    const figures = lostFigureValues(await lostCallFigures(ctx.database.db, q))
    return { q, figures, outcome: params.outcome || undefined, norm: normText(setup.norm), source: setup.norm.source, shortAbandon: setup.shortAbandonSeconds }
  },
  about: (ctx, _params, d) =>
    viewFacts(ctx, TITLE, [
      ['Исход', d.outcome ? LOST_OUTCOME_LABEL[d.outcome] : 'все'],
      ['Норматив перезвона', `${d.norm} от окончания потерянного звонка (${d.source})`],
      ['Короткие сбросы', `меньше ${d.shortAbandon} с — не учитываются`],
      ['Номера телефонов', ctx.personalData ? 'показаны' : 'скрыты (маска)'],
    ]),
  name: (ctx, params) => ({ what: 'Потерянные-звонки', period: ctx.view!.period, detail: params.outcome ? LOST_OUTCOME_LABEL[params.outcome] : undefined }),
  write: {
    xlsx: (d, about, ctx) =>
      streamWorkbook(async (book) => {
        const tiles = await addSheet(book, 'Показатели', ['Показатель', 'Значение'], [52, 16])
        for (const id of LOST_METRICS) await tiles.row([textCell(metricCatalog[id].label), figureCell(id, d.figures[id])])
        await tiles.row([textCell('Норматив перезвона'), textCell(d.norm)])
        const sheet = await addSheet(book, 'Потерянные звонки', [...LOST_COLUMNS], [22, 17, 17, 20, 18, 20, 17, 15, 17, 10])
        let n = 0
        for await (const page of allLostCalls(ctx.database.db, { ...d.q, outcome: d.outcome }, 5000, true)) {
          for (const r of page) {
            n++
            await sheet.row([
              textCell(r.callId),
              dateTimeCell(r.startedAt, d.q.zone),
              dateTimeCell(r.endedAt, d.q.zone),
              textCell(r.line),
              textCell(ctx.personalData ? formatPhone(r.phone) : maskPhone(r.phone)),
              textCell(LOST_OUTCOME_LABEL[r.outcome]),
              dateTimeCell(r.reachedAt, d.q.zone),
              r.secondsToReach === null ? textCell(null) : durationCell(r.secondsToReach),
              dateTimeCell(r.dueAt, d.q.zone),
              textCell(r.inTime === null ? '' : r.inTime ? 'да' : 'нет'),
            ])
          }
        }
        await addDefinitions(book, LOST_METRICS)
        await addAbout(book, [...about, ['Звонков в файле', n.toLocaleString('ru-RU')]])
      }),
  },
  audit: (ctx, params) => ({
    object: 'потерянные звонки',
    from: ctx.view!.period.from,
    to: ctx.view!.period.to,
    outcome: params.outcome || null,
    personalData: ctx.personalData,
  }),
})
