import type { LoaderFunctionArgs } from '@remix-run/node'
import { fileNameOf } from '#reports/registry/file-names.ts'
import { importKind, labelOf } from '#reports/vocabulary.ts'
import { templateCsv, templateRows } from '#app/imports/format-guide.ts'
import { IMPORT_KINDS, type ImportKind } from '#app/imports/kinds.ts'
import { requireRouteAccess } from '#app/utils/auth.server.ts'
import { fileResponse, xlsxResponse } from '#app/utils/view.server.ts'
import { addSheet, streamWorkbook, textCell } from '#reports/export/workbook.server.ts'

/** A kind's template: the canonical header and one example row, as CSV (UTF-8 with BOM, «;») or XLSX. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireRouteAccess(request, 'imports.templates.$file.ts')
  const match = /^([a-z]+)\.(csv|xlsx)$/.exec(params.file ?? '')
  if (!match || !IMPORT_KINDS.includes(match[1] as ImportKind)) throw new Response('Такого шаблона нет.', { status: 404 })
  const kind = match[1] as ImportKind
  const [header, example] = templateRows(kind)
  if (match[2] === 'csv') {
    return fileResponse(
      Buffer.from(templateCsv(kind), 'utf8'),
      fileNameOf({ what: 'Шаблон', detail: labelOf(importKind, kind), ext: 'csv' }),
      'text/csv; charset=utf-8',
    )
  }
  return xlsxResponse(
    streamWorkbook(async (book) => {
      const sheet = await addSheet(
        book,
        kind,
        header,
        header.map((h) => Math.max(14, h.length + 4)),
      )
      await sheet.row(example.map((v) => textCell(v)))
    }),
    fileNameOf({ what: 'Шаблон', detail: labelOf(importKind, kind), ext: 'xlsx' }),
  )
}
