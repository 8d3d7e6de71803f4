/**
 * Saved column mappings of an organisation (migration 0012, ADR 018). The pipeline resolves a mapping by
 * its name (`mapping` of an import job: the upload form, `?mapping=` of the API, `<dir>/<kind>/<mapping>/`
 * of the watched folder all pass only a name).
 */
import type { Database } from '#db/client.server.ts'
import { recordAudit } from '#app/models/audit.server.ts'
import type { ImportKind } from './kinds.ts'
import { type ColumnMapping, headerFits, mappingSchema } from './mapping.ts'

export interface SavedMapping {
  id: string
  name: string
  kind: ImportKind
  mapping: ColumnMapping
  updatedAt: Date
}

export const MAPPING_NAME = /^[^/\\\u0000-\u001f]{1,100}$/

type Row = { id: string; name: string; kind: ImportKind; headers: string[]; fields: unknown; updated_at: Date }

function fromRow(row: Row): SavedMapping | undefined {
  const parsed = mappingSchema.safeParse({ kind: row.kind, headers: row.headers, fields: row.fields })
  if (!parsed.success) return undefined // a rule written by a newer or broken version is not applied
  return { id: String(row.id), name: row.name, kind: row.kind, mapping: parsed.data, updatedAt: row.updated_at }
}

/** The organisation's mappings (of one kind, or all), by kind and name. */
export async function listMappings(database: Database, orgId: string, kind?: ImportKind): Promise<SavedMapping[]> {
  let q = database.db.selectFrom('column_mapping').select(['id', 'name', 'kind', 'headers', 'fields', 'updated_at']).where('org_id', '=', orgId)
  if (kind) q = q.where('kind', '=', kind)
  const rows = await q.orderBy('kind').orderBy('name').execute()
  return rows.map((r) => fromRow(r as Row)).filter((m): m is SavedMapping => m !== undefined)
}

/** A saved mapping by name (case and surrounding spaces as typed are ignored), or undefined. */
export async function findMapping(database: Database, orgId: string, kind: ImportKind, name: string): Promise<SavedMapping | undefined> {
  const row = await database.db
    .selectFrom('column_mapping')
    .select(['id', 'name', 'kind', 'headers', 'fields', 'updated_at'])
    .where('org_id', '=', orgId)
    .where('kind', '=', kind)
    .where((eb) => eb(eb.fn('lower', ['name']), '=', name.trim().toLowerCase()))
    .executeTakeFirst()
  return row ? fromRow(row as Row) : undefined
}

/** The saved mappings a file with this header can be read with (offered on upload, named in a refusal). */
export async function mappingsForHeader(database: Database, orgId: string, kind: ImportKind, header: readonly string[]): Promise<SavedMapping[]> {
  return (await listMappings(database, orgId, kind)).filter((m) => headerFits(m.mapping, header))
}

export async function saveMapping(
  database: Database,
  orgId: string,
  input: { name: string; mapping: ColumnMapping },
  who: { userId: string | null; actor: string; ip: string | null },
): Promise<SavedMapping> {
  const name = input.name.trim()
  if (!MAPPING_NAME.test(name)) throw new Error('Название сопоставления: от 1 до 100 символов, без «/» и «\\».')
  const mapping = mappingSchema.parse(input.mapping)
  const row = await database.db
    .insertInto('column_mapping')
    .values({ org_id: orgId, kind: mapping.kind, name, headers: mapping.headers, fields: JSON.stringify(mapping.fields), created_by: who.userId })
    .onConflict((oc) =>
      oc.columns(['org_id', 'kind', 'name']).doUpdateSet({ headers: mapping.headers, fields: JSON.stringify(mapping.fields), updated_at: new Date() }),
    )
    .returning(['id', 'name', 'kind', 'headers', 'fields', 'updated_at'])
    .executeTakeFirstOrThrow()
  await recordAudit(database.db, {
    orgId,
    userId: who.userId,
    actor: who.actor,
    action: 'mapping.save',
    object: `сопоставление «${name}» (${mapping.kind})`,
    details: { kind: mapping.kind, name, columns: Object.keys(mapping.fields) },
    ip: who.ip,
  })
  return fromRow(row as Row)!
}

export async function deleteMapping(
  database: Database,
  orgId: string,
  id: string,
  who: { userId: string | null; actor: string; ip: string | null },
): Promise<boolean> {
  const row = await database.db.deleteFrom('column_mapping').where('org_id', '=', orgId).where('id', '=', id).returning(['name', 'kind']).executeTakeFirst()
  if (row) {
    await recordAudit(database.db, {
      orgId,
      userId: who.userId,
      actor: who.actor,
      action: 'mapping.delete',
      object: `сопоставление «${row.name}» (${row.kind})`,
      details: {},
      ip: who.ip,
    })
  }
  return Boolean(row)
}
