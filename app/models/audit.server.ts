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

/** Filters of the audit log (issue 16): who (the actor), what (the action), when (instants, end exclusive). */
export interface AuditFilter {
  actor?: string
  action?: string
  from?: Date
  to?: Date
}

export async function listAudit(db: Db, orgId: string, page: number, filter: AuditFilter = {}) {
  let base = db.selectFrom('audit_event').where('org_id', '=', orgId)
  if (filter.actor) base = base.where('actor', '=', filter.actor)
  if (filter.action) base = base.where('action', '=', filter.action)
  if (filter.from) base = base.where('at', '>=', filter.from)
  if (filter.to) base = base.where('at', '<', filter.to)
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

/** Who and what appear in the organisation's log, for the filter's choices. */
export async function auditChoices(db: Db, orgId: string): Promise<{ actors: string[]; actions: string[] }> {
  const [actors, actions] = await Promise.all([
    db.selectFrom('audit_event').select('actor').distinct().where('org_id', '=', orgId).orderBy('actor').limit(500).execute(),
    db.selectFrom('audit_event').select('action').distinct().where('org_id', '=', orgId).orderBy('action').execute(),
  ])
  return { actors: actors.map((a) => a.actor), actions: actions.map((a) => a.action) }
}
