import type { ImportReport } from './pipeline.server.ts'
import { formatReportText } from './report-text.ts'

const report: ImportReport = {
  batchId: '7',
  kind: 'appeals',
  fileName: 'a.csv',
  format: 'csv',
  adapter: null,
  mapping: null,
  encoding: 'utf-8',
  delimiter: ';',
  status: 'rejected',
  skipInvalid: false,
  read: 3,
  inserted: 0,
  updated: 0,
  unchanged: 0,
  pending: 0,
  noEnding: 0,
  earlier: 0,
  logLines: 0,
  ignoredLines: 0,
  logEvents: 0,
  knownEvents: 0,
  rejected: 3,
  invalid: 2,
  stored: 0,
  rejections: [
    { line: 2, column: 'form', value: 'голубиная', reason: 'неизвестное значение формы обслуживания «голубиная»' },
    { line: 3, column: 'phone', value: '+7 916 123-45-67'.repeat(700), reason: 'значение длиннее 10 000 символов' },
  ],
  rejectionsTotal: 2,
  unknownColumns: ['цвет'],
  warnings: [],
  message: 'Файл отклонён',
  durationMs: 1200,
  branches: { unknown: [], created: [], moves: [] },
}

describe('the import report as text', () => {
  it('keeps the balance, each bad line, and hides personal values', () => {
    const text = formatReportText(report, { withValues: true })
    expect(text).toContain('Прочитано строк: 3 = сохранено 0 + отклонено 3')
    expect(text).toContain('Строк с ошибками: 2')
    expect(text).toContain('строка 2, столбец форма: неизвестное значение формы обслуживания «голубиная» (значение «голубиная»)')
    expect(text).toContain('строка 3, столбец телефон: значение длиннее 10 000 символов (значение скрыто: персональные данные)')
    expect(text).not.toContain('+7 916')
    expect(text).toContain('Неизвестные столбцы (пропущены): цвет')
  })

  it('names the branches created and the offices moved; the CLI says how to create unknown branches', () => {
    const text = formatReportText(
      {
        ...report,
        kind: 'offices',
        rejections: [{ line: 3, column: 'branch', value: 'Северные ЭС', reason: 'филиала «Северные ЭС» нет' }],
        branches: {
          unknown: [{ value: 'Северные ЭС', code: null, lines: [3], rows: 1 }],
          created: [{ name: 'Новый филиал', code: 'НФ' }],
          moves: [{ office: 'ЦОП-01', from: 'Городские электрические сети', to: null }],
        },
      },
      { cli: true },
    )
    expect(text).toContain('строка 3, столбец филиал: филиала «Северные ЭС» нет')
    expect(text).toContain('Создан филиал «Новый филиал» (код НФ)')
    expect(text).toContain('Офис ЦОП-01 перенесён: «Городские электрические сети» → без филиала')
    expect(text).toContain('--create-branches')
    expect(formatReportText(report)).not.toContain('--create-branches')
  })
})
