import type { Db } from '#db/client.server.ts'

export interface AuditEntry {
  orgId: string | null
  userId?: string | null
  /** who, as people read it: a login, `cli`, or the login someone tried */
  actor: string
  /** e.g. `login`, `login.failed`, `logout`, `import`, `export`, `user.create`, `settings.update` */
  action: string
  object?: string | null
  /** what happened, never personal data of consumers or passwords */
  details?: Record<string, unknown>
  ip?: string | null
}

export async function recordAudit(db: Db, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_event')
    .values({
      org_id: entry.orgId,
      user_id: entry.userId ?? null,
      actor: entry.actor,
      action: entry.action,
      object: entry.object ?? null,
      details: JSON.stringify(entry.details ?? {}),
      ip: entry.ip ?? null,
    })
    .execute()
}

export const AUDIT_PAGE_SIZE = 50

export async function listAudit(db: Db, orgId: string, page: number) {
  const base = db.selectFrom('audit_event').where('org_id', '=', orgId)
  const [rows, count] = await Promise.all([
    base
      .select(['id', 'at', 'actor', 'action', 'object', 'details', 'ip'])
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(AUDIT_PAGE_SIZE)
      .offset((page - 1) * AUDIT_PAGE_SIZE)
      .execute(),
    base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ])
  return { rows, total: Number(count.n) }
}
