/** Russian names of term units and rule targets, for screens. Client-safe. */
export const UNIT_LABELS: Record<string, string> = {
  seconds: 'секунд',
  minutes: 'минут',
  hours: 'часов',
  calendar_days: 'календарных дней',
  working_days: 'рабочих дней',
}

export const APPLIES_LABELS: Record<string, string> = { appeals: 'Обращения', calls: 'Звонки', visits: 'Посещения офисов' }

export const FIELD_LABELS: Record<string, string> = {
  received_at: 'поступление',
  answered_at: 'ответ',
  started_at: 'начало звонка',
  ended_at: 'окончание звонка',
  callback_at: 'перезвон',
  issued_at: 'выдача талона',
  called_at: 'вызов к окну',
  service_ended_at: 'окончание обслуживания',
}

/** The kinds of day an organisation may add to its own calendar. */
export const CALENDAR_KINDS = ['holiday', 'working_weekend', 'short_day'] as const

export const CALENDAR_KIND_LABELS: Record<string, string> = {
  holiday: 'нерабочий день',
  working_weekend: 'рабочий выходной',
  short_day: 'сокращённый день',
  nonworking_decree: 'нерабочий день по указу',
}

/** `{ form: ['post','internet'] }` → «form: post, internet»; explicit-only rules say so. */
export function describeFilter(filter: Record<string, string | string[]>): string {
  if (filter.explicit === 'true') return 'только если правило указано в записи (столбец правило_срока)'
  const parts = Object.entries(filter).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : v}`)
  return parts.length ? parts.join('; ') : 'все записи'
}
