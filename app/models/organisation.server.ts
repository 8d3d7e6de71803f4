import type { Db } from '#db/client.server.ts'
import type { Organisation } from '#db/schema.ts'
import { isValidTimeZone } from '#reports/time/local-time.ts'
import { seedRulePresets } from '#reports/deadlines/rules.server.ts'
import { InputError } from '#reports/errors.ts'

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
  /** unanswered calls shorter than this are short abandons (0–600 s) */
  shortAbandonSeconds?: number
  /** the service-level threshold; null: from the pickup rule (or 20 s) */
  serviceLevelSeconds?: number | null
  /** who signs the regulator's reports: the signature block of the PDFs */
  signer?: { position: string; name: string; phone: string }
  /** the callback norm of lost calls (issue 18); null: the callback rule of the presets */
  lostCallback?: { amount: number; unit: 'minutes' | 'hours' | 'calendar_days' | 'working_days' } | null
}

/** Validates and saves organisation settings; throws an Error with a Russian message on bad input. */
export async function updateOrganisation(db: Db, orgId: string, settings: OrganisationSettings): Promise<Organisation> {
  if (settings.name !== undefined && settings.name.trim() === '') throw new InputError('Название организации не может быть пустым.')
  if (settings.timeZone !== undefined && !isValidTimeZone(settings.timeZone)) {
    throw new InputError(
      `Неизвестный часовой пояс «${settings.timeZone}»: выберите пояс из списка (в командной строке — имя зоны IANA, например Europe/Moscow).`,
    )
  }
  if (settings.regime !== undefined && !['network', 'supplier', 'both'].includes(settings.regime)) {
    throw new InputError(`Неизвестный режим «${settings.regime}»: допустимо network (сетевая организация), supplier (гарантирующий поставщик) или both.`)
  }
  if (
    settings.shortAbandonSeconds !== undefined &&
    !(Number.isInteger(settings.shortAbandonSeconds) && settings.shortAbandonSeconds >= 0 && settings.shortAbandonSeconds <= 600)
  ) {
    throw new InputError('Порог короткого сброса — целое число секунд от 0 до 600.')
  }
  if (
    settings.serviceLevelSeconds !== undefined &&
    settings.serviceLevelSeconds !== null &&
    !(Number.isInteger(settings.serviceLevelSeconds) && settings.serviceLevelSeconds >= 1 && settings.serviceLevelSeconds <= 3600)
  ) {
    throw new InputError('Порог уровня обслуживания — целое число секунд от 1 до 3600 (или пусто: из правила ответа на звонок).')
  }
  if (
    settings.lostCallback &&
    !(
      Number.isFinite(settings.lostCallback.amount) &&
      settings.lostCallback.amount > 0 &&
      settings.lostCallback.amount <= 10_000 &&
      ['minutes', 'hours', 'calendar_days', 'working_days'].includes(settings.lostCallback.unit)
    )
  ) {
    throw new InputError(
      'Норматив перезвона потерянным звонкам — положительное число (до 10 000) минут, часов, календарных или рабочих дней, или пусто: из правила перезвона.',
    )
  }
  if (settings.signer && Object.values(settings.signer).some((v) => v.length > 200))
    throw new InputError('Должность, Ф. И. О. и телефон подписывающего — не длиннее 200 знаков.')
  const org = await db
    .updateTable('organisation')
    .set({
      ...(settings.signer
        ? {
            signer_position: settings.signer.position.trim() || null,
            signer_name: settings.signer.name.trim() || null,
            signer_phone: settings.signer.phone.trim() || null,
          }
        : {}),
      ...(settings.name !== undefined ? { name: settings.name.trim() } : {}),
      ...(settings.timeZone !== undefined ? { time_zone: settings.timeZone } : {}),
      ...(settings.regime !== undefined ? { regime: settings.regime } : {}),
      ...(settings.shortAbandonSeconds !== undefined ? { short_abandon_seconds: settings.shortAbandonSeconds } : {}),
      ...(settings.serviceLevelSeconds !== undefined ? { service_level_seconds: settings.serviceLevelSeconds } : {}),
      ...(settings.lostCallback !== undefined
        ? { lost_callback_amount: settings.lostCallback?.amount ?? null, lost_callback_unit: settings.lostCallback?.unit ?? null }
        : {}),
      updated_at: new Date(),
    })
    .where('id', '=', orgId)
    .returningAll()
    .executeTakeFirstOrThrow()
  // the deadline rules of the (new) regime; rules the organisation already has are left as edited
  await seedRulePresets(db, org.id, org.regime)
  return org
}
