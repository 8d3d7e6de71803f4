/**
 * A frozen Appendix 7 as a registry module (issue 19 §6, ADR 026): the files byte for byte as they were
 * frozen — `xlsx` the form, `pdf` the PDF as filed, `html` the publication page, `xlsx` with
 * `part=publication` the publication's XLSX (without table 4.9) — under the names they were frozen with.
 * Only snapshots within the user's scope (issue 14): a branch user gets 404 for an organisation-wide one.
 */
import { Readable } from 'node:stream'
import { z } from 'zod'
import { type ReportFormat, ReportNotFound, defineReport } from '#reports/registry/report.ts'
import { getSnapshot } from './snapshots.server.ts'

type Snapshot = NonNullable<Awaited<ReturnType<typeof getSnapshot>>>

const NO_FILE = 'Такого файла у этого отчёта нет.'
const bytes = (file: Uint8Array | string | null | undefined): Readable => {
  if (file === null || file === undefined) throw new ReportNotFound(NO_FILE)
  return Readable.from([typeof file === 'string' ? Buffer.from(file, 'utf8') : Buffer.from(file)])
}
/** the audit's «kind», as the snapshot page's links named the files */
const kindOf = (format: ReportFormat, publication: boolean) => (format === 'xlsx' ? (publication ? 'published' : 'xlsx') : format)

export const appendix7SnapshotReport = defineReport({
  id: 'appendix-7-snapshot',
  title: 'Зафиксированное Приложение 7',
  page: 'reports.appendix-7.snapshots.$snapshotId.file.ts',
  from: 'страница зафиксированного отчёта (Приложение 7 → зафиксированные)',
  input: 'none',
  formats: ['xlsx', 'pdf', 'html'],
  params: z.object({ snapshot: z.string(), part: z.enum(['form', 'publication']).default('form') }),
  async prepare(ctx, params): Promise<{ snapshot: Snapshot; publication: boolean }> {
    const snapshot = await getSnapshot(ctx.database.db, ctx.scope, params.snapshot)
    if (!snapshot) throw new ReportNotFound('Зафиксированный отчёт не найден.')
    return { snapshot, publication: params.part === 'publication' }
  },
  about: () => [],
  name: () => ({ what: 'Приложение7' }),
  fileName(_ctx, _p, { snapshot, publication }, format) {
    const base = snapshot.file_name.replace(/\.xlsx$/, '')
    if (format === 'pdf') return `${base}.pdf`
    if (format === 'html') return `${base}_публикация.html`
    return publication ? `${base}_публикация.xlsx` : snapshot.file_name
  },
  write: {
    xlsx: ({ snapshot, publication }) => bytes(publication ? snapshot.published_file : snapshot.file),
    pdf: ({ snapshot }) => bytes(snapshot.pdf),
    html: ({ snapshot }) => bytes(snapshot.published_html),
  },
  auditAction: 'report.download',
  audit: (_ctx, _p, { snapshot, publication }, format) => ({ object: 'appendix-7', snapshot: snapshot.id, kind: kindOf(format, publication) }),
})
