import { type Kysely, sql } from 'kysely'

/**
 * Whether a call's queue wait is known (issue 17, ADR 027). Asterisk CDR and 3CX exports carry no queue wait
 * (their «answer» is measured from the start of the call, IVR and ringing included): such calls count as
 * received, answered and lost, but not in the waiting figures (mean wait, answered within the threshold,
 * service level, mean wait by line) nor in the norm of answering a call. `call.wait_known` is set by the
 * import (true for the canonical layout, JSON, queue_log and the adapters with a wait); the call rollup gets
 * the counts the waiting figures are taken over.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table call add column wait_known boolean not null default true`.execute(db)
  // calls already read by an adapter without a queue wait (their import batch says which)
  await sql`
    update call c set wait_known = false
    from import_batch b where b.id = c.import_batch_id and b.adapter in ('asterisk_cdr', '3cx')`.execute(db)
  // answered incoming calls with a known wait; incoming calls with a known wait that are not short abandons;
  // answered queue legs of calls with a known wait
  await sql`alter table call_day add column wait_answered int not null default 0`.execute(db)
  await sql`alter table call_day add column wait_judged int not null default 0`.execute(db)
  await sql`alter table call_day add column legs_wait_answered int not null default 0`.execute(db)
  // the call rollup gains columns: rebuilt as a whole on the next refresh
  await sql`delete from rollup_state where kind = 'calls'`.execute(db)
  // the GET of an import is audited once per token and import (ADR 027): found by this index
  await sql`create index audit_event_token_batch on audit_event (object, (details->>'batch')) where action = 'token.use'`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index audit_event_token_batch`.execute(db)
  for (const column of ['wait_answered', 'wait_judged', 'legs_wait_answered']) await sql.raw(`alter table call_day drop column ${column}`).execute(db)
  await sql`alter table call drop column wait_known`.execute(db)
  await sql`delete from rollup_state where kind = 'calls'`.execute(db)
}
