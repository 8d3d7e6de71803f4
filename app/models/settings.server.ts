/**
 * The settings page's save as one command (ADR 025): the watched folder, the organisation's settings and
 * the phone lines (calls move with them) and the audit row `settings.update`, in one transaction.
 */
import type { Database, Db } from '#db/client.server.ts'
import type { ReportPolicies } from '#reports/appendix-7/policies.ts'
import { inboxSetting, setImportInbox } from '#app/integration/inbox.server.ts'
import { type Actor, runCommand } from './command.server.ts'
import { type OrganisationSettings, updateOrganisation } from './organisation.server.ts'
import { parsePhoneLines, savePhoneLines } from './phone-line.server.ts'

export interface SettingsInput {
  settings: OrganisationSettings
  phoneLines: string
  /** undefined: not on the form (IMPORT_INBOX sets the folder) */
  importInbox: string | undefined
}

export async function saveSettings(database: Database, actor: Actor, input: SettingsInput): Promise<void> {
  const { org } = actor
  const inbox = inboxSetting(org)
  await runCommand(database.db, actor, async (tx) => {
    await parsePhoneLines(tx, org.id, input.phoneLines) // refused before anything is saved
    // the watched folder (ADR 017), unless IMPORT_INBOX sets it
    if (!inbox.fromEnv && input.importInbox !== undefined) await setImportInbox({ ...database, db: tx }, org.id, input.importInbox)
    await updateOrganisation(tx, org.id, input.settings)
    await savePhoneLines(tx, org.id, input.phoneLines)
    return {
      result: undefined,
      audit: {
        action: 'settings.update',
        object: 'организация',
        details: {
          before: {
            name: org.name,
            timeZone: org.time_zone,
            regime: org.regime,
            shortAbandonSeconds: org.short_abandon_seconds,
            serviceLevelSeconds: org.service_level_seconds,
            signer: { position: org.signer_position, name: org.signer_name, phone: org.signer_phone },
          },
          after: { ...input.settings, phoneLines: input.phoneLines, importInbox: inbox.fromEnv ? undefined : input.importInbox?.trim() || null },
        },
      },
    }
  })
}

/** The classification rules of the reports (null: back to the defaults) with the audit row `settings.update`. */
export function saveReportPolicies(db: Db, actor: Actor, policies: ReportPolicies | null): Promise<void> {
  return runCommand(db, actor, async (tx) => {
    await tx
      .updateTable('organisation')
      .set({ report_policies: policies === null ? null : JSON.stringify(policies) })
      .where('id', '=', actor.org.id)
      .execute()
    return {
      result: undefined,
      audit: { action: 'settings.update', object: 'правила классификации', details: policies === null ? { reset: true } : { after: policies } },
    }
  })
}
