/**
 * Phone line (queue or dialled number) → branch. Calls carry no branch in the import contract, so a branch
 * sees the calls of its lines; unmapped lines stay organisation-wide. Saved as a whole from text lines
 * «линия; филиал»; calls follow at once (and the changed days of the figures with them).
 */
import type { Db } from '#db/client.server.ts'
import { InputError } from '#reports/errors.ts'
import { inTransaction } from './command.server.ts'

export async function listPhoneLines(db: Db, orgId: string): Promise<{ line: string; branch: string }[]> {
  return db
    .selectFrom('phone_line')
    .innerJoin('branch', 'branch.id', 'phone_line.branch_id')
    .select(['phone_line.line as line', 'branch.name as branch'])
    .where('phone_line.org_id', '=', orgId)
    .orderBy('phone_line.line')
    .execute()
}

export function phoneLinesText(lines: readonly { line: string; branch: string }[]): string {
  return lines.map((l) => `${l.line}; ${l.branch}`).join('\n')
}

/** Reads «линия; филиал» lines; a line naming an unknown branch or repeating a line is refused with its number. */
export async function parsePhoneLines(db: Db, orgId: string, text: string): Promise<Map<string, string>> {
  const branches = new Map(
    (await db.selectFrom('branch').select(['id', 'name']).where('org_id', '=', orgId).execute()).map((b) => [b.name.toLowerCase(), b.id]),
  )
  const mapping = new Map<string, string>()
  text.split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() === '') return
    const at = raw.lastIndexOf(';')
    if (at < 0) throw new InputError(`Строка ${i + 1}: нужно «линия; филиал», через точку с запятой.`)
    const line = raw.slice(0, at).trim()
    const branchName = raw.slice(at + 1).trim()
    if (!line) throw new InputError(`Строка ${i + 1}: не указана линия.`)
    const branch = branches.get(branchName.toLowerCase())
    if (!branch) throw new InputError(`Строка ${i + 1}: филиала «${branchName}» нет. Филиалы: ${[...branches.keys()].join(', ') || 'ещё не загружены'}.`)
    if (mapping.has(line)) throw new InputError(`Строка ${i + 1}: линия «${line}» уже указана выше.`)
    mapping.set(line, branch)
  })
  return mapping
}

/** Replaces the mapping as a whole and moves the calls with it. */
export async function savePhoneLines(db: Db, orgId: string, text: string): Promise<number> {
  const mapping = await parsePhoneLines(db, orgId, text)
  await inTransaction(db, async (tx) => {
    await tx.deleteFrom('phone_line').where('org_id', '=', orgId).execute()
    if (mapping.size)
      await tx
        .insertInto('phone_line')
        .values([...mapping].map(([line, branch_id]) => ({ org_id: orgId, line, branch_id })))
        .execute()
    await assignCallBranches(tx, orgId)
  })
  return mapping.size
}

/** Calls take the branch of their line (only those whose branch changes are written). */
export async function assignCallBranches(db: Db, orgId: string): Promise<void> {
  await db
    .updateTable('call')
    .set((eb) => ({
      branch_id: eb
        .selectFrom('phone_line')
        .select('phone_line.branch_id')
        .whereRef('phone_line.org_id', '=', 'call.org_id')
        .whereRef('phone_line.line', '=', 'call.line'),
    }))
    .where('call.org_id', '=', orgId)
    .where(({ eb, selectFrom }) =>
      eb(
        'call.branch_id',
        'is distinct from',
        selectFrom('phone_line').select('phone_line.branch_id').whereRef('phone_line.org_id', '=', 'call.org_id').whereRef('phone_line.line', '=', 'call.line'),
      ),
    )
    .execute()
}
