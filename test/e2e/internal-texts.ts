/** The list of internal texts no page may show (issue 16), and the check of a page's visible text. */
/** Texts a user must never see (issue 16), each with why. */
export const INTERNAL_TEXTS: readonly [RegExp, string][] = [
  [/\b(form|topic|direction|service_kind|category|consumer_type): /, 'условие правила кодом поля'],
  [/callback_required|received_at|answered_at|started_at|ended_at|issued_at|called_at|service_ended_at|office_code|reg_number/, 'имя поля или столбца'],
  [/\b(network|supplier)_[a-z_]+/, 'код правила'],
  [/\((appeals|offices|calls|visits|dashboard)\)/, 'код вида данных'],
  [/\b(survey|report|user|rule|calendar|settings|login)\.[a-z]+\b/, 'код действия аудита'],
  [/\{"[a-zA-Z]+":/, 'JSON'],
  [/Europe\/|Asia\//, 'имя зоны IANA'],
  [/Код показателя/, 'код показателя'],
  [/rg\.ru|, проверить|спецификаци/, 'заметка разработчика'],
  [/знак\(а\)|обращ\. /, 'неправильное число'],
  [/(^|[^\d,\s])\s?1 (часов|минут|дней|обращений|строк|записей)/, 'неправильное число'],
  [/(^|[^\d,])\s([2-4]) (обращений|строк|записей|офисов|звонков|анкет)(?![а-яё])/, 'неправильное число'],
  [/\b(appeals|calls|visits|surveys)\.[a-z_]+\b/, 'код показателя'],
  [/undefined|NaN|\[object Object\]/, 'ошибка вывода'],
]

/** The visible text of an HTML page: no scripts (the loader data), styles or tags. */
function visibleText(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<style[\s\S]*?<\/style>/g, ' ')
    .replace(/<!--[\s\S]*?-->/g, '') // React's separators between texts of one element
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;|&#160;/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
}

export function internalTextsOf(html: string): string[] {
  const text = visibleText(html)
  const found: string[] = []
  for (const [pattern, why] of INTERNAL_TEXTS) {
    const m = text.match(pattern)
    if (m) found.push(`${why}: «…${text.slice(Math.max(0, m.index! - 40), m.index! + m[0].length + 40)}…»`)
  }
  return found
}
