/**
 * Editing branch and office codes on the «Организация» page (ADR 022 gave branches codes, ADR 027 lets them be
 * edited). A branch code is what an offices file may name its branch by (`код_филиала`): it must be unique in
 * the organisation as the import compares codes (spaces, case and «ё» aside). An office code is the key every
 * appeal, visit and survey answer names its office by: renaming it renames it in those records in the same
 * transaction, and the figures are rebuilt; a deadline rule whose condition names the old code is refused
 * first (the rule would silently stop matching). Both are audited by the page.
 */
import { inTransaction } from '#db/transaction.server.ts'
import { sql } from 'kysely'
import type { Db } from '#db/client.server.ts'
import { normaliseCode } from '#app/imports/branches.server.ts'
import { InputError } from '#reports/errors.ts'

const CODE = /^[\p{L}\p{N}][\p{L}\p{N}._\-/]*$/u
const MAX_CODE = 20
const MAX_OFFICE_CODE = 50

export interface BranchCodeRow {
  id: string
  name: string
  code: string
  offices: { code: string; name: string }[]
}

/** Branches with their codes and offices, and the offices of no branch (`id` «»). */
export async function listBranchCodes(db: Db, orgId: string): Promise<BranchCodeRow[]> {
  const [branches, offices] = await Promise.all([
    db.selectFrom('branch').select(['id', 'name', 'code']).where('org_id', '=', orgId).orderBy('name').execute(),
    db.selectFrom('office').select(['office_code', 'name', 'branch_id']).where('org_id', '=', orgId).orderBy('office_code').execute(),
  ])
  const rows: BranchCodeRow[] = branches.map((b) => ({
    id: String(b.id),
    name: b.name,
    code: b.code,
    offices: offices.filter((o) => String(o.branch_id) === String(b.id)).map((o) => ({ code: o.office_code, name: o.name })),
  }))
  const loose = offices.filter((o) => o.branch_id === null).map((o) => ({ code: o.office_code, name: o.name }))
  if (loose.length) rows.push({ id: '', name: 'без филиала', code: '', offices: loose })
  return rows
}

export interface CodeChange {
  what: 'branch' | 'office'
  /** the branch's id, or the office's current code */
  id: string
  name: string
  from: string
  to: string
}

/** Sets a branch's code; refused in Russian when empty, malformed or taken by another branch. */
export async function setBranchCode(db: Db, orgId: string, branchId: string, text: string): Promise<CodeChange | null> {
  const code = text.trim().replace(/\s+/g, '')
  if (!/^\d{1,18}$/.test(branchId)) throw new InputError('Нет такого филиала.')
  const branch = await db.selectFrom('branch').select(['id', 'name', 'code']).where('org_id', '=', orgId).where('id', '=', branchId).executeTakeFirst()
  if (!branch) throw new InputError('Нет такого филиала.')
  checkCode(code, MAX_CODE, `Код филиала «${branch.name}»`)
  if (code === branch.code) return null
  const others = await db.selectFrom('branch').select(['name', 'code']).where('org_id', '=', orgId).where('id', '<>', branchId).execute()
  const clash = others.find((b) => normaliseCode(b.code) === normaliseCode(code))
  if (clash) throw new InputError(`Код «${code}» уже у филиала «${clash.name}»: коды филиалов не повторяются (регистр и «ё» не различаются).`)
  await db.updateTable('branch').set({ code }).where('org_id', '=', orgId).where('id', '=', branchId).execute()
  return { what: 'branch', id: branchId, name: branch.name, from: branch.code, to: code }
}

/**
 * Renames an office code in the office and in every record that names it (appeals, visits, survey answers and
 * links), in one transaction; the figures of those kinds are rebuilt on their next refresh.
 */
export async function setOfficeCode(db: Db, orgId: string, current: string, text: string): Promise<CodeChange | null> {
  const code = text.trim()
  const office = await db.selectFrom('office').select(['office_code', 'name']).where('org_id', '=', orgId).where('office_code', '=', current).executeTakeFirst()
  if (!office) throw new InputError(`Нет офиса с кодом «${current}».`)
  checkCode(code, MAX_OFFICE_CODE, `Код офиса «${office.name}»`)
  if (code === current) return null
  const taken = await db.selectFrom('office').select('name').where('org_id', '=', orgId).where('office_code', '=', code).executeTakeFirst()
  if (taken) throw new InputError(`Код «${code}» уже у офиса «${taken.name}»: коды офисов не повторяются.`)
  const rules = await sql<{ name: string }>`
    select name from deadline_rule where org_id = ${orgId} and filter ? 'office_code'
      and (filter->>'office_code' = ${current} or (jsonb_typeof(filter->'office_code') = 'array' and filter->'office_code' ? ${current}))
    order by name`.execute(db)
  if (rules.rows.length) {
    throw new InputError(
      `Код «${current}» назван в условии правил сроков: ${rules.rows.map((r) => `«${r.name}»`).join(', ')}. Сначала измените условие правил, затем код офиса.`,
    )
  }
  await inTransaction(db, async (tx) => {
    await tx.updateTable('office').set({ office_code: code, updated_at: new Date() }).where('org_id', '=', orgId).where('office_code', '=', current).execute()
    for (const table of ['appeal', 'visit', 'survey_response', 'survey_invitation'] as const) {
      await tx.updateTable(table).set({ office_code: code }).where('org_id', '=', orgId).where('office_code', '=', current).execute()
    }
    // the rollups group by office code: those kinds are rebuilt as a whole on the next refresh
    await tx.deleteFrom('rollup_state').where('org_id', '=', orgId).where('kind', 'in', ['appeals', 'appeal_due', 'visits', 'surveys']).execute()
  })
  return { what: 'office', id: current, name: office.name, from: current, to: code }
}

function checkCode(code: string, max: number, what: string): void {
  if (!code) throw new InputError(`${what}: код не может быть пустым.`)
  if (code.length > max) throw new InputError(`${what}: код не длиннее ${max} символов (сейчас ${code.length}).`)
  if (!CODE.test(code)) throw new InputError(`${what}: «${code}» — код из букв и цифр, допустимы также «-», «_», «.» и «/» (не первым знаком).`)
}
