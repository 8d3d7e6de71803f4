/**
 * Appendix 7 changes as commands (ADR 025): the frozen snapshot, a table of inputs, a filing mark, a
 * publication, each with its audit row in one transaction.
 */
import type { Db } from '#db/client.server.ts'
import type { Appendix7Report } from '#reports/appendix-7/build.server.ts'
import { type InputTemplateTable, type ParsedInput, saveTableInput, saveTableInputs } from '#reports/appendix-7/inputs.server.ts'
import { publishSnapshot, setPublicAddress } from '#reports/appendix-7/publication.server.ts'
import { type FreezeOptions, fileSnapshot, freezeSnapshot } from '#reports/appendix-7/snapshots.server.ts'
import { type Actor, runCommand } from './command.server.ts'

const whoOf = (actor: Actor) => `${actor.user.fullName} (${actor.user.login})`

/**
 * Freezes the report. A second click with the same form finds the first snapshot: no second snapshot and
 * no second audit row (`created: false`).
 */
export function freezeAppendix7(
  db: Db,
  actor: Actor,
  input: { report: Appendix7Report; file: Buffer; fileName: string; options: FreezeOptions },
): Promise<{ id: string; created: boolean }> {
  return runCommand(db, actor, async (tx) => {
    const frozen = await freezeSnapshot(tx, input.report, input.file, input.fileName, { id: actor.user.id, name: whoOf(actor) }, input.options)
    return {
      result: frozen,
      audit: frozen.created
        ? {
            action: 'report.freeze',
            object: 'appendix-7',
            details: {
              year: input.report.ctx.year,
              snapshot: frozen.id,
              bytes: input.file.length,
              scope: actor.scope.branches === 'all' ? 'all' : actor.scope.branches,
              replaces: input.options.replaces?.id || undefined,
            },
          }
        : null,
    }
  })
}

/** Saves one table of inputs of a year (and its previous-year column) with the audit row `report.input`. */
export function saveAppendix7Input(db: Db, actor: Actor, year: number, table: InputTemplateTable, parsed: ParsedInput): Promise<void> {
  return runCommand(db, actor, async (tx) => {
    await saveTableInput(tx, actor.org.id, year, table, parsed, actor.user.id)
    return { result: undefined, audit: { action: 'report.input', object: `appendix-7 ${table.code}`, details: { year } } }
  })
}

/** Saves the tables of the inputs page's one form — all of them or none — with one audit row naming them. */
export function saveAppendix7Inputs(db: Db, actor: Actor, year: number, tables: readonly { table: InputTemplateTable; parsed: ParsedInput }[]): Promise<void> {
  return runCommand(db, actor, async (tx) => {
    await saveTableInputs(tx, actor.org.id, year, tables, actor.user.id)
    return { result: undefined, audit: { action: 'report.input', object: 'appendix-7', details: { year, tables: tables.map((t) => t.table.code) } } }
  })
}

export type SnapshotChange = { intent: 'file'; filedOn: string; number: string } | { intent: 'publish' } | { intent: 'public-on' | 'public-off' }

/** A frozen report marked as filed, published, or its public address turned on or off, with its audit row. */
export function changeSnapshot(db: Db, actor: Actor, id: string, change: SnapshotChange): Promise<void> {
  return runCommand(db, actor, async (tx) => {
    const audit = (action: string, details: Record<string, unknown> = {}) => ({ action, object: 'appendix-7', details: { snapshot: id, ...details } })
    if (change.intent === 'file') {
      await fileSnapshot(tx, actor.scope, id, { on: change.filedOn, number: change.number, by: { id: actor.user.id, name: whoOf(actor) } })
      return { result: undefined, audit: audit('report.file', { filedOn: change.filedOn, number: change.number }) }
    }
    if (change.intent === 'publish') {
      await publishSnapshot(tx, actor.scope, id, whoOf(actor))
      return { result: undefined, audit: audit('report.publish') }
    }
    await setPublicAddress(tx, actor.scope, id, change.intent === 'public-on')
    return { result: undefined, audit: audit(change.intent === 'public-on' ? 'report.public.on' : 'report.public.off') }
  })
}
