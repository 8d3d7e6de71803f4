/**
 * A filed report, frozen: the exact file as it was downloaded, every figure of it, the checks, who froze it
 * and when. Regenerating later compares the figures key by key with the frozen ones.
 */
import { createHash } from 'node:crypto'
import type { Db } from '#db/client.server.ts'
import type { Appendix7Report } from './build.server.ts'
import type { FigureValue } from './figures.server.ts'

export interface SnapshotSummary {
  id: string
  year: number
  asOf: Date
  templateVersion: string
  fileName: string
  fileSha256: string
  frozenBy: string
  frozenAt: Date
  failedChecks: number
}

export async function freezeSnapshot(db: Db, report: Appendix7Report, file: Buffer, fileName: string, by: { id: string; name: string }): Promise<string> {
  const row = await db
    .insertInto('report_snapshot')
    .values({
      org_id: report.ctx.org.id,
      report_id: 'appendix-7',
      year: report.ctx.year,
      as_of: report.ctx.asOf,
      template_version: report.ctx.template.version,
      figures: JSON.stringify(report.figures),
      checks: JSON.stringify(report.checks),
      file_name: fileName,
      file,
      file_sha256: createHash('sha256').update(file).digest('hex'),
      frozen_by: by.id,
      frozen_by_name: by.name,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

export async function listSnapshots(db: Db, orgId: string, year: number): Promise<SnapshotSummary[]> {
  const rows = await db
    .selectFrom('report_snapshot')
    .select(['id', 'year', 'as_of', 'template_version', 'file_name', 'file_sha256', 'frozen_by_name', 'frozen_at', 'checks'])
    .where('org_id', '=', orgId)
    .where('report_id', '=', 'appendix-7')
    .where('year', '=', year)
    .orderBy('frozen_at', 'desc')
    .execute()
  return rows.map((r) => ({
    id: r.id, year: r.year, asOf: r.as_of, templateVersion: r.template_version, fileName: r.file_name, fileSha256: r.file_sha256, frozenBy: r.frozen_by_name, frozenAt: r.frozen_at,
    failedChecks: (r.checks as { passed: boolean }[]).filter((c) => !c.passed).length,
  }))
}

export async function getSnapshot(db: Db, orgId: string, id: string) {
  if (!/^\d{1,18}$/.test(id)) return undefined
  return db.selectFrom('report_snapshot').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst()
}

export interface FigureChange {
  key: string
  label: string
  before: number | string | null
  after: number | string | null
}

/** Figures that differ between a frozen snapshot and now (added and removed ones too), in the current order. */
export function diffFigures(frozen: readonly FigureValue[], now: readonly FigureValue[]): FigureChange[] {
  const before = new Map(frozen.map((f) => [f.key, f]))
  const out: FigureChange[] = []
  for (const f of now) {
    const old = before.get(f.key)
    before.delete(f.key)
    const was = old ? old.value : null
    if (!old || was !== f.value) out.push({ key: f.key, label: f.label, before: old ? was : null, after: f.value })
  }
  for (const old of before.values()) out.push({ key: old.key, label: old.label, before: old.value, after: null })
  return out
}
