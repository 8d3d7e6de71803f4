/** Russian names of term units and rule targets, for screens. Client-safe. */
import { countOf, WORDS, type PluralForms } from '#reports/plural.ts'
import { COLUMN_VOCABULARIES as V, type Vocabulary } from '#reports/vocabulary.ts'

/** The units a term may have (client-safe: the rule form's schema reads them). */
export const TERM_UNITS = ['seconds', 'minutes', 'hours', 'calendar_days', 'working_days'] as const

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

const UNIT_WORDS: Record<string, PluralForms> = {
  seconds: WORDS.second,
  minutes: WORDS.minute,
  hours: WORDS.hour,
  calendar_days: WORDS.calendarDay,
  working_days: WORDS.workingDay,
}

/** After «не более», «в течение»: the genitive (1 часа, 4 часов, 21 часа). */
const UNIT_GENITIVE: Record<string, PluralForms> = {
  seconds: ['секунды', 'секунд', 'секунд'],
  minutes: ['минуты', 'минут', 'минут'],
  hours: ['часа', 'часов', 'часов'],
  calendar_days: ['календарного дня', 'календарных дней', 'календарных дней'],
  working_days: ['рабочего дня', 'рабочих дней', 'рабочих дней'],
}

/**
 * A term with its unit in the right form: (4, 'hours') → «4 часа», (1, 'working_days') → «1 рабочий день»;
 * `genitive` for «не более …»: (4, 'hours') → «4 часов», (1, 'hours') → «1 часа».
 */
export function termText(amount: number, unit: string, genitive = false): string {
  const words = (genitive ? UNIT_GENITIVE : UNIT_WORDS)[unit]
  if (!words) return `${amount.toLocaleString('ru-RU')} ${UNIT_LABELS[unit] ?? ''}`.trim()
  // a fraction reads «1,5 часа» in both cases («не более 1,5 часа»)
  return Number.isInteger(amount) ? countOf(amount, words) : `${amount.toLocaleString('ru-RU')} ${(genitive ? UNIT_GENITIVE : UNIT_WORDS)[unit]![0]}`
}

/** The fields a rule may filter on, in Russian, with the vocabulary of their values (codes never reach a screen). */
const FILTER_FIELDS: Record<string, { label: string; vocabulary?: Vocabulary; yes?: string; no?: string }> = {
  form: { label: 'форма обращения', vocabulary: V.form },
  topic: { label: 'тема', vocabulary: V.topic },
  complaint_topic: { label: 'тема жалобы', vocabulary: V.complaint_topic },
  request_type: { label: 'тип заявки', vocabulary: V.request_type },
  consumer_type: { label: 'тип потребителя', vocabulary: V.consumer_type },
  closure: { label: 'результат', vocabulary: V.closure },
  direction: { label: 'направление звонка', vocabulary: V.direction },
  category: { label: 'категория звонка', vocabulary: V.category },
  service_kind: { label: 'услуга', vocabulary: V.service_kind },
  callback_required: { label: 'перезвон', yes: 'нужен перезвон (ответ не дан во время звонка)', no: 'перезвон не нужен' },
  channel: { label: 'канал' },
  line: { label: 'линия' },
  agent: { label: 'оператор' },
  office_code: { label: 'офис' },
  window: { label: 'окно' },
  branch: { label: 'филиал' },
}

/**
 * A rule's condition in plain Russian: `{ form: ['post','internet'] }` → «форма обращения: почта или интернет»,
 * `{ callback_required: 'true' }` → «нужен перезвон (ответ не дан во время звонка)»; explicit-only rules say so.
 */
export function describeFilter(filter: Record<string, string | string[]>): string {
  if (filter.explicit === 'true') return 'только если правило указано в записи обращения (столбец «правило_срока» файла)'
  const parts = Object.entries(filter).map(([key, value]) => {
    const field = FILTER_FIELDS[key]
    const values = Array.isArray(value) ? value : [value]
    if (field?.yes && values.length === 1) return values[0] === 'true' ? field.yes : field.no!
    const shown = values.map((v) => (field?.vocabulary ? (field.vocabulary[v]?.label ?? v) : `«${v}»`))
    return `${field?.label ?? 'поле'}: ${shown.length > 1 ? `${shown.slice(0, -1).join(', ')} или ${shown.at(-1)}` : shown[0]}`
  })
  return parts.length ? parts.join('; ') : 'все записи'
}
