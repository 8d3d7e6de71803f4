/**
 * Every itemised rejection of an import as CSV (UTF-8 with BOM, «;»: opens as is in Russian Excel), a
 * registry module (issue 19 §6, ADR 026). The import and its rows are found by the app
 * (`ReportSubjects['import-rejections']`): refused for a branch user when the import is the organisation's,
 * values of personal columns only for roles with personal data.
 */
import { Readable } from 'node:stream'
import { z } from 'zod'
import { csvLine } from '#reports/export/csv.ts'
import { defineReport, subjectOf } from '#reports/registry/report.ts'

export const importRejectionsReport = defineReport({
  id: 'import-rejections',
  title: 'Ошибки загрузки',
  page: 'imports.$batchId.rejections[.csv].ts',
  from: 'страница загрузки (Загрузки → загрузка с ошибками)',
  input: 'none',
  subject: 'import-rejections',
  formats: ['csv'],
  params: z.object({ batch: z.string() }),
  prepare: async (ctx) => subjectOf(ctx, 'import-rejections'),
  about: () => [],
  name: (_ctx, _p, { batch }) => ({ what: 'Ошибки-загрузки', detail: `№${batch.id}` }),
  write: {
    csv({ rows }) {
      const lines = [csvLine(['Строка', 'Столбец', 'Значение', 'Причина'])]
      for (const r of rows) lines.push(csvLine([r.line === null ? '' : String(r.line), r.column, r.value ?? '', r.reason]))
      return Readable.from([Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8')])
    },
  },
  audit: (ctx, _p, { batch, rows }) => ({ object: `ошибки загрузки №${batch.id}`, batchId: batch.id, rows: rows.length, personalData: ctx.personalData }),
})
