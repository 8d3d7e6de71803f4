/**
 * The dashboard view and the registers as XLSX: built from the same data the screens show (the dashboard
 * from `buildDashboard`, a register from the same conditions and columns), with definitions and «О файле».
 */
import type { Readable } from 'node:stream'
import type { Db } from '#db/client.server.ts'
import {
  type Book,
  DATE_TIME_FORMAT,
  DURATION_FORMAT,
  MAX_SHEET_ROWS,
  SHARE_FORMAT,
  type Sheet,
  addAbout,
  addDefinitions,
  addSheet,
  localWallClock,
  safeText,
  streamWorkbook,
} from '#reports/export/workbook.server.ts'
import { appealForm } from '#reports/vocabulary.ts'
import { type MetricId, type MetricUnit, metricCatalog } from './catalog.ts'
import { BREAKDOWN_COLUMNS, DASHBOARD_METRICS, DASHBOARD_TILES } from './dashboard-layout.ts'
import type { BreakdownRow, DashboardData, Figures } from './dashboard-view.server.ts'
import { type RecordContext, type Register, allRecords } from './records.server.ts'
import { cellText } from './register-format.ts'

const NUMBER_FORMAT: Record<MetricUnit, string> = { share: SHARE_FORMAT, seconds: DURATION_FORMAT, count: '#,##0', score: '0.00', points: '+0.0;-0.0;0' }

/** A figure into a cell: shares as percentages, times as durations, counts as numbers. */
export function setFigure(sheet: Sheet, rowNumber: number, column: number, id: MetricId, value: number | null | undefined): void {
  const cell = sheet.getRow(rowNumber).getCell(column)
  if (value === null || value === undefined) {
    cell.value = '—'
    return
  }
  const unit = metricCatalog[id].unit
  cell.value = unit === 'seconds' ? value / 86400 : value
  cell.numFmt = NUMBER_FORMAT[unit]
}

function breakdownSheet(book: Book, name: string, metrics: readonly MetricId[], rows: readonly BreakdownRow[], notApplicable: string | null): void {
  const sheet = addSheet(book, name, ['', ...metrics.map((id) => metricCatalog[id].label)], [44, ...metrics.map(() => 18)])
  if (notApplicable) sheet.addRow([notApplicable]).commit()
  for (const row of rows) {
    const r = sheet.addRow([safeText(row.label)])
    metrics.forEach((id, i) => setFigure(sheet, r.number, i + 2, id, row.figures[id]))
    r.commit()
  }
  sheet.commit()
}

export function dashboardWorkbook(data: DashboardData, about: readonly (readonly [string, string])[]): Readable {
  return streamWorkbook(async (book) => {
    // no code column (issue 16): each figure's definition is on the sheet «Определения», by its name
    const tiles = addSheet(book, 'Показатели', ['Раздел', 'Показатель', 'Значение', 'Год назад'], [18, 48, 16, 16])
    const sections = [
      ['Обращения', DASHBOARD_TILES.appeals, data.appeals],
      ['Звонки', DASHBOARD_TILES.calls, data.calls],
      ['Офисы', DASHBOARD_TILES.visits, data.visits],
      ['Опросы', DASHBOARD_TILES.surveys, data.surveys],
    ] as const
    for (const [title, ids, block] of sections) {
      if (block.notApplicable) {
        tiles.addRow([title, block.notApplicable]).commit()
        continue
      }
      for (const id of ids) {
        const r = tiles.addRow([title, metricCatalog[id].label, null, null])
        setFigure(tiles, r.number, 3, id, (block.current as Figures)[id])
        setFigure(tiles, r.number, 4, id, (block.previous as Figures)[id])
        r.commit()
      }
    }
    tiles.commit()
    breakdownSheet(book, 'Обращения по формам', BREAKDOWN_COLUMNS.appeals, data.appeals.byForm, null)
    breakdownSheet(book, 'Обращения по темам', BREAKDOWN_COLUMNS.appeals, data.appeals.byTopic, null)
    breakdownSheet(book, 'Звонки по категориям', BREAKDOWN_COLUMNS.calls, data.calls.byCategory, data.calls.notApplicable)
    breakdownSheet(book, 'Звонки по линиям', BREAKDOWN_COLUMNS.callLines, data.calls.byLine, data.calls.notApplicable)
    breakdownSheet(book, 'Офисы и услуги', BREAKDOWN_COLUMNS.visits, data.visits.byOffice, data.visits.notApplicable)
    breakdownSheet(book, 'Оценки по формам', BREAKDOWN_COLUMNS.surveyForms, data.surveys.byForm, null)
    breakdownSheet(book, 'Оценки по офисам', BREAKDOWN_COLUMNS.surveyOffices, data.surveys.byOffice, null)

    const forms = Object.entries(appealForm)
    const series = addSheet(
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
    data.series.buckets.forEach((bucket, i) => {
      const r = series.addRow([bucket, ...forms.map(([code]) => Number(data.series.appealsByForm[i]?.[code] ?? 0))])
      setFigure(series, r.number, forms.length + 2, 'appeals.on_time_share', data.series.onTimeShare[i]?.value)
      setFigure(series, r.number, forms.length + 3, 'calls.service_level', data.series.serviceLevel[i]?.value)
      setFigure(series, r.number, forms.length + 4, 'visits.mean_wait', data.series.visitWait[i]?.value)
      r.commit()
    })
    series.commit()
    addDefinitions(book, DASHBOARD_METRICS)
    addAbout(book, about)
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
    let sheet = addSheet(book, 'Записи', header, widths)
    let inSheet = 0
    let written = 0
    for await (const page of allRecords(db, register, records, undefined, options.order)) {
      for (const record of page) {
        if (inSheet >= limit) {
          sheet.commit()
          sheet = addSheet(book, `Записи (${++sheetNo})`, header, widths)
          inSheet = 0
        }
        const row = sheet.addRow([])
        register.columns.forEach((c, i) => {
          const value = record[c.id]
          if (value === null || value === undefined) return
          const cell = row.getCell(i + 1)
          if (c.kind === 'instant' && !(c.personal && !personalData)) {
            cell.value = localWallClock(value instanceof Date ? value : new Date(String(value)), records.zone)
            cell.numFmt = DATE_TIME_FORMAT
          } else if (c.kind === 'seconds') {
            cell.value = Number(value) / 86400
            cell.numFmt = DURATION_FORMAT
          } else cell.value = safeText(cellText(c, value, records.zone, personalData))
        })
        row.commit()
        inSheet++
        written++
      }
      options.onRows?.(written)
    }
    sheet.commit()
    addDefinitions(book, records.metric ? [records.metric] : [])
    addAbout(book, [...options.about, ['Записей в файле', written.toLocaleString('ru-RU')], ['Листов с записями', String(sheetNo)]])
  })
}
