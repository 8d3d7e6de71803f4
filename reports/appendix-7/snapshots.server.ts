/**
 * A filed report, frozen: the exact file as it was downloaded, every figure of it, the checks, who froze it
 * and when, and the scope it covers (organisation-wide or some branches; issue 14). A user sees only the
 * snapshots whose scope lies within his own. Freezing is idempotent per click (the form's key), filing
 * (date, incoming number, who, the PDF as filed) happens once and needs the organisation-wide scope, a
 * corrected snapshot replaces a filed one and says what changed (ADR 015). Regenerating later compares the
 * figures key by key with the frozen ones.
 */
import { createHash } from 'node:crypto'
import { type Expression, type SqlBool, sql } from 'kysely'
import type { Db } from '#db/client.server.ts'
import type { Scope } from '#db/scope.server.ts'
import { InputError } from '#reports/errors.ts'
import type { Appendix7Report } from './build.server.ts'
import type { FigureValue } from './figures.server.ts'
import { publishedFormOf } from './publication.server.ts'

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
  /** «вся организация» or the branches */
  scopeLabel: string
  orgWide: boolean
  filed: { on: string; number: string; by: string; at: Date } | null
  replaces: string | null
  replacedBy: string | null
  changeNote: string | null
  published: boolean
  publicEnabled: boolean
}

/** The scope a snapshot of this scope covers, in words (branch names from the database). */
export async function scopeLabel(db: Db, scope: Scope): Promise<string> {
  if (scope.branches === 'all') return 'вся организация'
  if (scope.branches.length === 0) return 'ни одного филиала'
  const names = await db
    .selectFrom('branch')
    .select('name')
    .where('org_id', '=', scope.orgId)
    .where('id', 'in', [...scope.branches])
    .orderBy('name')
    .execute()
  return `${names.length === 1 ? 'филиал' : 'филиалы'} ${names.map((n) => `«${n.name}»`).join(', ')}`
}

/** Snapshots whose scope lies within the user's: all of them for an organisation-wide user; for a branch user, those of his branches only. */
export function snapshotVisible(scope: Scope): Expression<SqlBool> {
  if (scope.branches === 'all') return sql<SqlBool>`true`
  if (scope.branches.length === 0) return sql<SqlBool>`false`
  return sql<SqlBool>`(scope_branches is not null and scope_branches <@ ${`{${scope.branches.join(',')}}`}::bigint[])`
}

/** Whether a snapshot covers exactly this scope (the page compares the current form only with snapshots of its own scope). */
function sameScope(scope: Scope): Expression<SqlBool> {
  if (scope.branches === 'all') return sql<SqlBool>`scope_branches is null`
  const sorted = [...scope.branches].sort((a, b) => Number(a) - Number(b))
  return sql<SqlBool>`scope_branches = ${`{${sorted.join(',')}}`}::bigint[]`
}

export interface FreezeOptions {
  /** the key of the click (a hidden field of the form): the same key twice gives the first snapshot */
  key?: string
  /** the PDF of the same report, kept as filed */
  pdf?: Buffer
  /** a corrected report: the filed snapshot it replaces and what changed */
  replaces?: { id: string; note: string }
}

/**
 * Freezes the report: one snapshot per key (a double click, two tabs submitting the same form), in one
 * statement, so concurrent requests cannot make two. Returns the snapshot and whether it was made now.
 */
export async function freezeSnapshot(
  db: Db,
  report: Appendix7Report,
  file: Buffer,
  fileName: string,
  by: { id: string; name: string },
  options: FreezeOptions = {},
): Promise<{ id: string; created: boolean }> {
  const { scope } = report.ctx
  const key = options.key && /^[A-Za-z0-9-]{8,64}$/.test(options.key) ? options.key : null
  if (options.replaces) {
    const old = await getSnapshot(db, scope, options.replaces.id)
    if (!old) throw new InputError('Заменяемый отчёт не найден.', 'replaces')
    if (!old.filed_at) throw new InputError('Заменить можно только поданный отчёт.', 'replaces')
    if (old.replaced_by) throw new InputError(`Отчёт уже заменён (№ ${old.replaced_by}).`, 'replaces')
    if (old.year !== report.ctx.year) throw new InputError('Исправленный отчёт должен быть за тот же год.', 'replaces')
    if (!options.replaces.note.trim()) throw new InputError('Опишите, что исправлено.', 'changeNote')
  }
  const label = await scopeLabel(db, scope)
  const branches = scope.branches === 'all' ? null : `{${[...scope.branches].sort((a, b) => Number(a) - Number(b)).join(',')}}`
  const inserted = await sql<{ id: string }>`
    insert into report_snapshot (org_id, report_id, year, as_of, template_version, figures, checks, file_name, file, file_sha256, frozen_by, frozen_by_name,
      scope_branches, tables, scope_label, freeze_key, pdf, replaces, change_note)
    values (${report.ctx.org.id}, 'appendix-7', ${report.ctx.year}, ${report.ctx.asOf}, ${report.ctx.template.version}, ${JSON.stringify(report.figures)}::jsonb,
      ${JSON.stringify(report.checks)}::jsonb, ${fileName}, ${file}, ${createHash('sha256').update(file).digest('hex')}, ${by.id}, ${by.name},
      ${branches}::bigint[], ${JSON.stringify(publishedFormOf(report))}::jsonb, ${label}, ${key}, ${options.pdf ?? null}, ${options.replaces?.id ?? null}, ${options.replaces?.note.trim() ?? null})
    on conflict (org_id, freeze_key) where freeze_key is not null do nothing
    returning id`.execute(db)
  if (inserted.rows[0]) {
    const id = inserted.rows[0].id
    if (options.replaces) {
      const done = await sql`update report_snapshot set replaced_by = ${id} where id = ${options.replaces.id} and replaced_by is null`.execute(db)
      if (!Number(done.numAffectedRows ?? 0)) {
        await sql`delete from report_snapshot where id = ${id}`.execute(db)
        throw new InputError('Отчёт уже заменён другим исправленным.')
      }
    }
    return { id, created: true }
  }
  const existing = await db
    .selectFrom('report_snapshot')
    .select('id')
    .where('org_id', '=', report.ctx.org.id)
    .where('freeze_key', '=', key!)
    .executeTakeFirstOrThrow()
  return { id: existing.id, created: false }
}

function summaryOf(r: {
  id: string
  year: number
  as_of: Date
  template_version: string
  file_name: string
  file_sha256: string
  frozen_by_name: string
  frozen_at: Date
  checks: unknown
  scope_label: string
  scope_branches: string[] | null
  filed_on: string | null
  filed_number: string | null
  filed_by_name: string | null
  filed_at: Date | null
  replaces: string | null
  replaced_by: string | null
  change_note: string | null
  published_at: Date | null
  public_enabled: boolean
}): SnapshotSummary {
  return {
    id: r.id,
    year: r.year,
    asOf: r.as_of,
    templateVersion: r.template_version,
    fileName: r.file_name,
    fileSha256: r.file_sha256,
    frozenBy: r.frozen_by_name,
    frozenAt: r.frozen_at,
    failedChecks: (r.checks as { passed: boolean }[]).filter((c) => !c.passed).length,
    scopeLabel: r.scope_label,
    orgWide: r.scope_branches === null,
    filed: r.filed_at ? { on: r.filed_on ?? '', number: r.filed_number ?? '', by: r.filed_by_name ?? '', at: r.filed_at } : null,
    replaces: r.replaces,
    replacedBy: r.replaced_by,
    changeNote: r.change_note,
    published: r.published_at !== null,
    publicEnabled: r.public_enabled,
  }
}

const SUMMARY_COLUMNS = [
  'id',
  'year',
  'as_of',
  'template_version',
  'file_name',
  'file_sha256',
  'frozen_by_name',
  'frozen_at',
  'checks',
  'scope_label',
  'scope_branches',
  'filed_number',
  'filed_by_name',
  'filed_at',
  'replaces',
  'replaced_by',
  'change_note',
  'published_at',
  'public_enabled',
] as const

/** The snapshots of a year the user may see, newest first. */
export async function listSnapshots(db: Db, scope: Scope, year: number): Promise<SnapshotSummary[]> {
  const rows = await db
    .selectFrom('report_snapshot')
    .select(SUMMARY_COLUMNS)
    .select(sql<string | null>`to_char(filed_on, 'YYYY-MM-DD')`.as('filed_on'))
    .where('org_id', '=', scope.orgId)
    .where('report_id', '=', 'appendix-7')
    .where('year', '=', year)
    .where(snapshotVisible(scope))
    .orderBy('frozen_at', 'desc')
    .orderBy('id', 'desc')
    .execute()
  return rows.map(summaryOf)
}

/** The latest snapshot of exactly this scope (what the page compares the current figures with). */
export async function latestOfScope(db: Db, scope: Scope, year: number): Promise<{ id: string; figures: FigureValue[] } | undefined> {
  const row = await db
    .selectFrom('report_snapshot')
    .select(['id', 'figures'])
    .where('org_id', '=', scope.orgId)
    .where('report_id', '=', 'appendix-7')
    .where('year', '=', year)
    .where(sameScope(scope))
    .orderBy('frozen_at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst()
  return row ? { id: row.id, figures: row.figures as FigureValue[] } : undefined
}

/** Every published snapshot of the organisation (the archive of publications), newest year first. */
export async function listPublications(db: Db, scope: Scope): Promise<SnapshotSummary[]> {
  const rows = await db
    .selectFrom('report_snapshot')
    .select(SUMMARY_COLUMNS)
    .select(sql<string | null>`to_char(filed_on, 'YYYY-MM-DD')`.as('filed_on'))
    .where('org_id', '=', scope.orgId)
    .where('report_id', '=', 'appendix-7')
    .where('published_at', 'is not', null)
    .where(snapshotVisible(scope))
    .orderBy('year', 'desc')
    .orderBy('published_at', 'desc')
    .execute()
  return rows.map(summaryOf)
}

/** A snapshot the user may see (undefined for another organisation's, or one beyond the user's branches). */
export async function getSnapshot(db: Db, scope: Scope, id: string) {
  if (!/^\d{1,18}$/.test(id)) return undefined
  return db
    .selectFrom('report_snapshot')
    .selectAll()
    .select(sql<string | null>`to_char(filed_on, 'YYYY-MM-DD')`.as('filed_on_text'))
    .where('org_id', '=', scope.orgId)
    .where('id', '=', id)
    .where(snapshotVisible(scope))
    .executeTakeFirst()
}

export interface Filing {
  /** ГГГГ-ММ-ДД */
  on: string
  number: string
  by: { id: string; name: string }
}

/**
 * Records that a snapshot was filed with the regulator. Only once (a second filing is refused, also when
 * two requests race: the update is conditional), only an organisation-wide snapshot by an
 * organisation-wide user.
 */
export async function fileSnapshot(db: Db, scope: Scope, id: string, filing: Filing): Promise<void> {
  if (scope.branches !== 'all') throw new InputError('Подать отчёт организации может только пользователь, которому видна вся организация.')
  const snapshot = await getSnapshot(db, scope, id)
  if (!snapshot) throw new InputError('Зафиксированный отчёт не найден.')
  if (snapshot.scope_branches !== null)
    throw new InputError(`Этот отчёт охватывает не всю организацию (${snapshot.scope_label}): подать его как отчёт организации нельзя.`)
  if (
    !/^\d{4}-\d{2}-\d{2}$/.test(filing.on) ||
    Number.isNaN(Date.parse(`${filing.on}T00:00:00Z`)) ||
    new Date(`${filing.on}T00:00:00Z`).toISOString().slice(0, 10) !== filing.on
  )
    throw new InputError('Дата подачи — в виде ДД.ММ.ГГГГ.', 'filedOn')
  const number = filing.number.trim()
  if (!number) throw new InputError('Укажите входящий номер, присвоенный регулятором.', 'number')
  if (number.length > 100) throw new InputError('Входящий номер — не длиннее 100 знаков.', 'number')
  const done = await sql`
    update report_snapshot set filed_on = ${filing.on}::date, filed_number = ${number}, filed_by = ${filing.by.id}, filed_by_name = ${filing.by.name}, filed_at = now()
    where id = ${id} and org_id = ${scope.orgId} and filed_at is null`.execute(db)
  if (!Number(done.numAffectedRows ?? 0))
    throw new InputError(
      `Отчёт уже подан (${snapshot.filed_on_text ? `дата ${snapshot.filed_on_text.split('-').reverse().join('.')}, ` : ''}вх. № ${snapshot.filed_number ?? ''}); повторная подача не записывается.`,
    )
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
