/**
 * The dashboard view and the registers as XLSX: built from the same data the screens show (the dashboard
 * from `buildDashboard`, a register from the same conditions and columns), with definitions and «О файле».
 */
import type { Readable } from 'node:stream'
import type { Db } from '#db/client.server.ts'
import {
  type Book,
  MAX_SHEET_ROWS,
  addAbout,
  addDefinitions,
  addSheet,
  dateTimeCell,
  durationCell,
  streamWorkbook,
  textCell,
} from '#reports/export/workbook.server.ts'
import type { Cell, CellStyle } from '#reports/sheet-writer/model.ts'
import { durationOf } from '#reports/sheet-writer/model.ts'
import { appealForm } from '#reports/vocabulary.ts'
import { LOST_METRICS } from '#reports/callbacks/callbacks.server.ts'
import { type MetricId, type MetricUnit, metricCatalog } from './catalog.ts'
import { BREAKDOWN_COLUMNS, DASHBOARD_METRICS, DASHBOARD_TILES } from './dashboard-layout.ts'
import type { BreakdownRow, DashboardData, Figures } from './dashboard-view.server.ts'
import { type RecordContext, type Register, allRecords } from './records.server.ts'
import { cellText } from './register-format.ts'

const FIGURE_STYLE: Record<MetricUnit, CellStyle> = { share: 'share', seconds: 'duration', count: 'count', score: 'score', points: 'points' }

/** A figure as a cell: shares as percentages, times as durations (days, as spreadsheets keep time), counts as numbers; «—» when there is none. */
export function figureCell(id: MetricId, value: number | null | undefined): Cell {
  if (value === null || value === undefined) return { v: '—', s: 'center' }
  const unit = metricCatalog[id].unit
  return { v: unit === 'seconds' ? durationOf(value) : value, s: FIGURE_STYLE[unit] }
}

async function breakdownSheet(
  book: Book,
  name: string,
  metrics: readonly MetricId[],
  rows: readonly BreakdownRow[],
  notApplicable: string | null,
): Promise<void> {
  const sheet = await addSheet(book, name, ['', ...metrics.map((id) => metricCatalog[id].label)], [44, ...metrics.map(() => 18)])
  if (notApplicable) await sheet.row([textCell(notApplicable)])
  for (const row of rows) await sheet.row([textCell(row.label), ...metrics.map((id) => figureCell(id, row.figures[id]))])
}

/** Lost calls called back (issue 18, reports/callbacks): the catalog's figures for the period and the comparison period, and the norm. */
export interface DashboardLostCalls {
  current: Partial<Record<MetricId, number | null>>
  previous: Partial<Record<MetricId, number | null>>
  norm: string
  source: string
}

export function dashboardWorkbook(
  data: DashboardData,
  about: readonly (readonly [string, string])[],
  lost?: DashboardLostCalls,
  options: { previousLabel?: string } = {},
): Readable {
  return streamWorkbook(async (book) => {
    // no code column (issue 16): each figure's definition is on the sheet «Определения», by its name
    const tiles = await addSheet(book, 'Показатели', ['Раздел', 'Показатель', 'Значение', options.previousLabel ?? 'Год назад'], [18, 48, 16, 16])
    const sections = [
      ['Обращения', DASHBOARD_TILES.appeals, data.appeals],
      ['Звонки', DASHBOARD_TILES.calls, data.calls],
      ['Офисы', DASHBOARD_TILES.visits, data.visits],
      ['Опросы', DASHBOARD_TILES.surveys, data.surveys],
    ] as const
    for (const [title, ids, block] of sections) {
      if (block.notApplicable) {
        await tiles.row([textCell(title), textCell(block.notApplicable)])
        continue
      }
      for (const id of ids)
        await tiles.row([
          textCell(title),
          textCell(metricCatalog[id].label),
          figureCell(id, (block.current as Figures)[id]),
          figureCell(id, (block.previous as Figures)[id]),
        ])
    }
    // the dashboard's block «Потерянные звонки и перезвоны», the same figures as the screen and /calls/lost
    if (lost) {
      for (const id of LOST_METRICS)
        await tiles.row([textCell('Перезвоны'), textCell(metricCatalog[id].label), figureCell(id, lost.current[id]), figureCell(id, lost.previous[id])])
      await tiles.row([textCell('Перезвоны'), textCell(`Норматив перезвона (${lost.source})`), textCell(lost.norm), textCell(null)])
    }
    await breakdownSheet(book, 'Обращения по формам', BREAKDOWN_COLUMNS.appeals, data.appeals.byForm, null)
    await breakdownSheet(book, 'Обращения по темам', BREAKDOWN_COLUMNS.appeals, data.appeals.byTopic, null)
    await breakdownSheet(book, 'Звонки по категориям', BREAKDOWN_COLUMNS.calls, data.calls.byCategory, data.calls.notApplicable)
    await breakdownSheet(book, 'Звонки по линиям', BREAKDOWN_COLUMNS.callLines, data.calls.byLine, data.calls.notApplicable)
    await breakdownSheet(book, 'Офисы и услуги', BREAKDOWN_COLUMNS.visits, data.visits.byOffice, data.visits.notApplicable)
    await breakdownSheet(book, 'Оценки по формам', BREAKDOWN_COLUMNS.surveyForms, data.surveys.byForm, null)
    await breakdownSheet(book, 'Оценки по офисам', BREAKDOWN_COLUMNS.surveyOffices, data.surveys.byOffice, null)

    const forms = Object.entries(appealForm)
    const series = await addSheet(
      book,
      'Динамика',
      [
        'Период',
        ...forms.map(([, t]) => `Поступило: ${t.label}`),
        metricCatalog['appeals.on_time_share'].label,
        metricCatalog['calls.service_level'].label,
        metricCatalog['visits.mean_wait'].label,
      ],
      [12, ...forms.map(() => 14), 18, 18, 18],
    )
    for (let i = 0; i < data.series.buckets.length; i++)
      await series.row([
        textCell(data.series.buckets[i]),
        ...forms.map(([code]): Cell => ({ v: Number(data.series.appealsByForm[i]?.[code] ?? 0), s: 'count' })),
        figureCell('appeals.on_time_share', data.series.onTimeShare[i]?.value),
        figureCell('calls.service_level', data.series.serviceLevel[i]?.value),
        figureCell('visits.mean_wait', data.series.visitWait[i]?.value),
      ])
    await addDefinitions(book, lost ? [...DASHBOARD_METRICS, ...LOST_METRICS] : DASHBOARD_METRICS)
    await addAbout(book, about)
  })
}

export interface RegisterExport {
  register: Register
  records: RecordContext
  personalData: boolean
  about: readonly (readonly [string, string])[]
  /** the screen's order (issue 16: the file equals the screen); the register's default, newest first, otherwise */
  order?: { sort?: string; dir?: 'asc' | 'desc' }
  /** rows per sheet before continuing on the next (Excel's limit unless a test asks for less) */
  sheetRows?: number
  onRows?: (written: number) => void
}

export function registerWorkbook(db: Db, options: RegisterExport): Readable {
  const { register, records, personalData } = options
  const limit = (options.sheetRows ?? MAX_SHEET_ROWS) - 1
  const header = register.columns.map((c) => (c.kind === 'seconds' ? `${c.label} (ч:мм:сс)` : c.label))
  const widths = register.columns.map((c) => (c.kind === 'instant' ? 17 : c.kind === 'seconds' ? 12 : 20))
  return streamWorkbook(async (book) => {
    let sheetNo = 1
    let sheet = await addSheet(book, 'Записи', header, widths)
    let inSheet = 0
    let written = 0
    for await (const page of allRecords(db, register, records, undefined, options.order)) {
      for (const record of page) {
        if (inSheet >= limit) {
          sheet = await addSheet(book, `Записи (${++sheetNo})`, header, widths)
          inSheet = 0
        }
        const cells: Cell[] = register.columns.map((c) => {
          const value = record[c.id]
          if (value === null || value === undefined) return textCell(null)
          if (c.kind === 'instant' && !(c.personal && !personalData)) return dateTimeCell(value instanceof Date ? value : new Date(String(value)), records.zone)
          if (c.kind === 'seconds') return durationCell(Number(value))
          return textCell(cellText(c, value, records.zone, personalData))
        })
        await sheet.row(cells)
        inSheet++
        written++
      }
      options.onRows?.(written)
    }
    await addDefinitions(book, records.metric ? [records.metric] : [])
    await addAbout(book, [...options.about, ['Записей в файле', written.toLocaleString('ru-RU')], ['Листов с записями', String(sheetNo)]])
  })
}
