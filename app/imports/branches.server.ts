import type { Kysely } from 'kysely'
import type { DB } from '#db/schema.ts'

/**
 * Branches named by an import (issue 16, ADR 022). A row names its branch by code (`код_филиала`, offices) or
 * in the `филиал` column by the branch's exact name or its code; a name the organisation does not know is
 * never turned into a branch silently: the row is refused with a reason, and the report lists the unknown
 * names with their lines, unless the import was started with «создать филиалы» (web) / `--create-branches`
 * (CLI). Then each unknown name becomes a branch (code from the file, else the name's initials, else «Ф-<номер>»).
 */
export interface UnknownBranch {
  /** as written in the file */
  value: string
  /** the code written beside it, if any */
  code: string | null
  /** lines that name it (the first 20) and how many */
  lines: number[]
  rows: number
}

export interface BranchMove {
  office: string
  from: string | null
  to: string | null
}

export interface BranchReport {
  unknown: UnknownBranch[]
  created: { name: string; code: string }[]
  moves: BranchMove[]
}

export const emptyBranchReport = (): BranchReport => ({ unknown: [], created: [], moves: [] })

const MAX_LINES = 20
const normaliseName = (text: string) => text.trim().replace(/\s+/g, ' ').toLowerCase().replace(/ё/g, 'е')
export const normaliseCode = (text: string) => text.trim().replace(/\s+/g, '').toUpperCase().replace(/Ё/g, 'Е')

/** «Северные электрические сети» → «СЭС»; a word in capitals is kept whole («Северные ЭС» → «СЭС»). */
export function branchInitials(name: string): string {
  return name
    .trim()
    .split(/\s+/)
    .map((w) => w.replace(/[^\p{L}\p{N}]/gu, ''))
    .filter(Boolean)
    .map((w) => (w.length > 1 && w === w.toUpperCase() && w !== w.toLowerCase() ? w : w[0]!))
    .join('')
    .toUpperCase()
    .replace(/Ё/g, 'Е')
}

export interface BranchResolver {
  /** the branch id for a row, or undefined when the row names a branch that does not exist (and may not be created) */
  resolve(name: string | null, code: string | null, line: number): Promise<string | null | undefined>
  readonly report: BranchReport
}

/** `db`: the import's transaction (a created branch is the import's, kept or rolled back with it). */
export async function branchResolver(db: Kysely<DB>, orgId: string, create: boolean): Promise<BranchResolver> {
  const rows = await db.selectFrom('branch').select(['id', 'name', 'code']).where('org_id', '=', orgId).execute()
  const byName = new Map<string, { id: string; name: string }>()
  const byCode = new Map<string, { id: string; name: string }>()
  for (const b of rows) {
    byName.set(normaliseName(b.name), b)
    byCode.set(normaliseCode(b.code), b)
  }
  const report = emptyBranchReport()
  const unknown = new Map<string, UnknownBranch>()

  const createBranch = async (name: string, code: string | null) => {
    const initials = code ? normaliseCode(code) : branchInitials(name)
    const wanted = initials && !byCode.has(initials) ? initials : null // null: «Ф-<номер>» from the trigger
    const made = await db
      .insertInto('branch')
      .values({ org_id: orgId, name, code: wanted ?? undefined })
      .returning(['id', 'code'])
      .executeTakeFirstOrThrow()
    const branch = { id: made.id, name }
    byName.set(normaliseName(name), branch)
    byCode.set(normaliseCode(made.code), branch)
    report.created.push({ name, code: made.code })
    return branch.id
  }

  return {
    report,
    async resolve(name, code, line) {
      const hasName = name !== null && name.trim() !== ''
      const hasCode = code !== null && code.trim() !== ''
      if (!hasName && !hasCode) return null
      const found =
        (hasCode ? byCode.get(normaliseCode(code!)) : undefined) ??
        (hasName ? (byName.get(normaliseName(name!)) ?? byCode.get(normaliseCode(name!))) : undefined)
      if (found) return found.id
      if (create) return createBranch(hasName ? name!.trim().replace(/\s+/g, ' ') : normaliseCode(code!), hasCode ? code! : null)
      const key = `${hasName ? normaliseName(name!) : ''}\u0000${hasCode ? normaliseCode(code!) : ''}`
      let entry = unknown.get(key)
      if (!entry) {
        entry = { value: hasName ? name!.trim() : '', code: hasCode ? code!.trim() : null, lines: [], rows: 0 }
        unknown.set(key, entry)
        report.unknown.push(entry)
      }
      entry.rows++
      if (entry.lines.length < MAX_LINES) entry.lines.push(line)
      return undefined
    },
  }
}

/** The reason on an unknown branch's row (the import report's error column). */
export function unknownBranchReason(name: string | null, code: string | null): string {
  const what = name && name.trim() ? `«${name.trim()}»` : `с кодом «${code!.trim()}»`
  return `филиала ${what} нет в справочнике организации (ни по названию, ни по коду); проверьте написание или подтвердите создание филиала`
}
