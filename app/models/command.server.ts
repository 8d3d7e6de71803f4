/**
 * Commands (issue 19 §4, ADR 025): a change, its recomputation and its audit row in one transaction,
 * on behalf of an actor the guard built once. A command that fails half-way leaves nothing changed and no
 * audit row; a refusal (`InputError`) rolls back the same way.
 */
import type { Db } from '#db/client.server.ts'
import { inTransaction } from '#db/transaction.server.ts'
import type { Organisation } from '#db/schema.ts'
import type { Scope } from '#db/scope.server.ts'
import { type AuditEntry, recordAudit } from './audit.server.ts'
import type { SessionUser } from './user.server.ts'

/** Who acts: the organisation, the signed-in user, the client's address and what the user may see. */
export interface Actor {
  org: Organisation
  user: SessionUser
  /** the client's address (X-Forwarded-For only with TRUST_PROXY=1); null outside a request */
  ip: string | null
  scope: Scope
}

/** What the audit row says; who, where and from which address come from the actor. */
export type AuditRecord = Pick<AuditEntry, 'action' | 'object' | 'details'>

/** The audit row of an actor's event, as `recordAudit` stores it. */
export function auditEntryOf(actor: Actor, record: AuditRecord): AuditEntry {
  return { orgId: actor.org.id, userId: actor.user.id, actor: actor.user.login, ip: actor.ip, ...record }
}

/** What a command's work returns: its result and the audit row(s) to write with it (none: nothing changed). */
export interface CommandOutcome<T> {
  result: T
  audit: AuditRecord | readonly AuditRecord[] | null
}

/**
 * Runs `work` and writes its audit rows in one transaction. `tx` is a Kysely transaction: model functions
 * take it as their `Db` (and open no transaction of their own inside it, see `inTransaction`).
 */
export async function runCommand<T>(db: Db, actor: Actor, work: (tx: Db) => Promise<CommandOutcome<T>>): Promise<T> {
  const run = async (tx: Db) => {
    const { result, audit } = await work(tx)
    const records = audit === null ? [] : Array.isArray(audit) ? (audit as readonly AuditRecord[]) : [audit as AuditRecord]
    for (const record of records) await recordAudit(tx, auditEntryOf(actor, record))
    return result
  }
  return inTransaction(db, run)
}

export { inTransaction }

/** An event that changes nothing of its own (a download, a view of personal data): only its audit row. */
export function recordEvent(db: Db, actor: Actor, record: AuditRecord): Promise<void> {
  return recordAudit(db, auditEntryOf(actor, record))
}
