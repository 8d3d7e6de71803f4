/**
 * One Russian plural rule for every screen, message and file (client-safe).
 * The three forms are those for 1, 2 and 5: `plural(4, ['час', 'часа', 'часов'])` → «часа».
 * Fractions take the second form («1,5 часа»), as Russian grammar does.
 */
export type PluralForms = readonly [one: string, few: string, many: string]

export function plural(n: number, forms: PluralForms): string {
  if (!Number.isInteger(n)) return forms[1]
  const abs = Math.abs(n)
  const tens = abs % 100
  const ones = abs % 10
  if (tens >= 11 && tens <= 14) return forms[2]
  if (ones === 1) return forms[0]
  if (ones >= 2 && ones <= 4) return forms[1]
  return forms[2]
}

/** The number in ru-RU and its word: `countOf(4, ['час', 'часа', 'часов'])` → «4 часа», 12 345 → «12 345 часов». */
export function countOf(n: number, forms: PluralForms, maxFraction = 2): string {
  return `${n.toLocaleString('ru-RU', { maximumFractionDigits: maxFraction })} ${plural(n, forms)}`
}

/** Words the product counts, defined once. */
export const WORDS = {
  second: ['секунда', 'секунды', 'секунд'],
  minute: ['минута', 'минуты', 'минут'],
  hour: ['час', 'часа', 'часов'],
  calendarDay: ['календарный день', 'календарных дня', 'календарных дней'],
  workingDay: ['рабочий день', 'рабочих дня', 'рабочих дней'],
  day: ['день', 'дня', 'дней'],
  sign: ['знак', 'знака', 'знаков'],
  appeal: ['обращение', 'обращения', 'обращений'],
  call: ['звонок', 'звонка', 'звонков'],
  visit: ['посещение', 'посещения', 'посещений'],
  row: ['строка', 'строки', 'строк'],
  record: ['запись', 'записи', 'записей'],
  office: ['офис', 'офиса', 'офисов'],
  branch: ['филиал', 'филиала', 'филиалов'],
  answer: ['анкета', 'анкеты', 'анкет'],
  link: ['ссылка', 'ссылки', 'ссылок'],
  page: ['страница', 'страницы', 'страниц'],
} as const satisfies Record<string, PluralForms>

/** A verb or participle after a count: «1 обращение отмечено», «2 обращения отмечены», «5 обращений отмечены». */
export function agree(n: number, one: string, other: string): string {
  return plural(n, [one, other, other])
}
