/**
 * Rows of a branch-scoped integration token (ADR 017). Each valid row's branch is found the way the merge
 * will find it — offices and appeals by their `branch` name (an appeal without one by its office), visits by
 * their office, calls by their phone line (organisation settings) — and a row of another branch, or whose
 * branch cannot be told (an unknown office, an unmapped line), is rejected with a Russian reason, as a bad
 * line is. So is a row whose key is already stored for another branch (or for the whole organisation): a
 * branch's system may not overwrite another branch's record. Deny by default, as for users (ADR 008).
 */
import type { Db } from '#db/client.server.ts'
import type { KindSpec } from './kinds.ts'
import type { RowItem } from './pipeline.server.ts'

export interface BranchScope {
  branchIds: string[]
  /** for the reasons: whose scope */
  tokenName: string
}

/** Rows checked per lookup of already stored keys. */
const CHUNK = 500

export async function* scopedRows(db: Db, orgId: string, spec: KindSpec, items: AsyncIterable<RowItem>, scope: BranchScope): AsyncGenerator<RowItem> {
  const allowed = new Set(scope.branchIds.map(String))
  const branches = await db.selectFrom('branch').select(['id', 'name']).where('org_id', '=', orgId).execute()
  const idByName = new Map(branches.map((b) => [b.name, String(b.id)]))
  const nameById = new Map(branches.map((b) => [String(b.id), b.name]))
  const allowedNames = [...allowed].map((id) => `«${nameById.get(id) ?? id}»`).join(', ')
  const offices = new Map<string, string | null>()
  if (spec.officeBranch || spec.kind === 'visits' || spec.kind === 'appeals') {
    for (const o of await db.selectFrom('office').select(['office_code', 'branch_id']).where('org_id', '=', orgId).execute()) {
      offices.set(o.office_code, o.branch_id === null ? null : String(o.branch_id))
    }
  }
  const lines = new Map<string, string | null>()
  if (spec.kind === 'calls') {
    for (const l of await db.selectFrom('phone_line').select(['line', 'branch_id']).where('org_id', '=', orgId).execute()) {
      lines.set(l.line, l.branch_id === null ? null : String(l.branch_id))
    }
  }
  const outside = (what: string) => `${what}, а токену «${scope.tokenName}» разрешены только филиалы: ${allowedNames}`

  /** The row's branch, or the problem that puts it outside the scope. */
  const check = (row: NonNullable<RowItem['row']>): { column: string; value: string; reason: string } | undefined => {
    const text = (column: string) => (typeof row[column] === 'string' ? (row[column] as string) : '')
    let column: string
    let branchId: string | null | undefined
    let what: string
    const branchName = spec.branchColumn ? text(spec.branchColumn) : ''
    if (spec.branchColumn && (branchName || spec.kind === 'offices')) {
      column = spec.branchColumn
      branchId = idByName.get(branchName)
      what = branchName ? `строка относится к филиалу «${branchName}»` : 'у строки не указан филиал'
    } else if (spec.kind === 'calls') {
      column = 'line'
      const line = text('line')
      branchId = lines.get(line)
      what = !line
        ? 'у звонка не указана линия, и его филиал не определить'
        : branchId
          ? `линия «${line}» относится к филиалу «${nameById.get(branchId)}»`
          : `линия «${line}» не закреплена за филиалом (настройки организации)`
    } else {
      column = 'office_code'
      const code = text('office_code')
      branchId = offices.get(code)
      what = !code
        ? 'у строки не указаны ни филиал, ни офис'
        : !offices.has(code)
          ? `офиса «${code}» нет в справочнике офисов, и филиал строки не определить`
          : branchId
            ? `офис «${code}» относится к филиалу «${nameById.get(branchId)}»`
            : `офис «${code}» не закреплён за филиалом`
    }
    if (branchId && allowed.has(branchId)) return undefined
    return { column, value: column === spec.branchColumn ? branchName : text(column), reason: outside(what) }
  }

  const keyColumn = spec.columns.find((c) => c.name === spec.key)!
  const dbKey = keyColumn.dbColumn ?? keyColumn.name
  let pending: RowItem[] = []
  const flush = async (): Promise<RowItem[]> => {
    const keys = pending.flatMap((item) => (item.row ? [String(item.row[spec.key])] : []))
    const stored = new Map<string, string | null>()
    if (keys.length) {
      const found = await db
        .selectFrom(spec.table)
        .select([`${dbKey} as key` as 'office_code', 'branch_id'])
        .where('org_id', '=', orgId)
        .where(dbKey as 'office_code', 'in', keys)
        .execute()
      for (const f of found as unknown as { key: string; branch_id: string | null }[]) stored.set(f.key, f.branch_id === null ? null : String(f.branch_id))
    }
    const out = pending.map((item): RowItem => {
      if (!item.row) return item
      const key = String(item.row[spec.key])
      if (!stored.has(key)) return item
      const owner = stored.get(key) ?? null
      if (owner && allowed.has(owner)) return item
      const whose = owner ? `филиалу «${nameById.get(owner) ?? owner}»` : 'организации в целом (без филиала)'
      return {
        line: item.line,
        problems: [
          {
            column: spec.key,
            value: key,
            reason: `${spec.keyLabel} «${key}» уже сохранён и относится к ${whose}: токен «${scope.tokenName}» не может изменить эту запись`,
          },
        ],
      }
    })
    pending = []
    return out
  }
  for await (const item of items) {
    if (item.row) {
      const problem = check(item.row)
      pending.push(problem ? { line: item.line, problems: [problem] } : item)
    } else {
      pending.push(item)
    }
    if (pending.length >= CHUNK) yield* await flush()
  }
  if (pending.length) yield* await flush()
}
