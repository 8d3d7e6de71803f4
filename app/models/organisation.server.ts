import type { Db } from '#db/client.server.ts'
import type { Organisation } from '#db/schema.ts'
import { isValidTimeZone } from '#reports/time/local-time.ts'
import { seedRulePresets } from '#reports/deadlines/rules.server.ts'
import { InputError } from './errors.ts'

export const DEFAULT_ORGANISATION = { name: 'Моя организация', time_zone: 'Europe/Moscow', regime: 'network' as const }

/**
 * The organisation this installation serves. The schema carries org_id everywhere so that a group of
 * companies can share one database later; today there is one, created on first start.
 */
export async function getOrganisation(db: Db): Promise<Organisation> {
  const existing = await db.selectFrom('organisation').selectAll().orderBy('id').limit(1).executeTakeFirst()
  if (existing) return existing
  return db.insertInto('organisation').values(DEFAULT_ORGANISATION).returningAll().executeTakeFirstOrThrow()
}

export interface OrganisationSettings {
  name?: string
  timeZone?: string
  regime?: 'network' | 'supplier' | 'both'
}

/** Validates and saves organisation settings; throws an Error with a Russian message on bad input. */
export async function updateOrganisation(db: Db, orgId: string, settings: OrganisationSettings): Promise<Organisation> {
  if (settings.name !== undefined && settings.name.trim() === '') throw new InputError('Название организации не может быть пустым.')
  if (settings.timeZone !== undefined && !isValidTimeZone(settings.timeZone)) {
    throw new InputError(`Неизвестный часовой пояс «${settings.timeZone}»: укажите зону IANA, например Europe/Moscow или Asia/Yekaterinburg.`)
  }
  if (settings.regime !== undefined && !['network', 'supplier', 'both'].includes(settings.regime)) {
    throw new InputError(`Неизвестный режим «${settings.regime}»: допустимо network (сетевая организация), supplier (гарантирующий поставщик) или both.`)
  }
  const org = await db
    .updateTable('organisation')
    .set({
      ...(settings.name !== undefined ? { name: settings.name.trim() } : {}),
      ...(settings.timeZone !== undefined ? { time_zone: settings.timeZone } : {}),
      ...(settings.regime !== undefined ? { regime: settings.regime } : {}),
      updated_at: new Date(),
    })
    .where('id', '=', orgId)
    .returningAll()
    .executeTakeFirstOrThrow()
  // the deadline rules of the (new) regime; rules the organisation already has are left as edited
  await seedRulePresets(db, org.id, org.regime)
  return org
}
