/**
 * One name scheme for every file the product hands out (ADR 026), used by the report registry, the mail
 * attachments and every download route:
 *
 *   <Что>_<Период>[_<Уточнение>].<расширение>
 *
 * - «Что» — the file's short Russian name, words joined by «-» («Обращения», «Потерянные-звонки», «Приложение7»);
 * - «Период» — a year «2025», one day «2025-03-31», or «2025-01-01_2025-12-31» (ISO days sort as text);
 * - «Уточнение» — what else tells two files apart: the organisation of a regulator's form (without its legal
 *   form and quotes: «Электросеть»), the figure whose records a register lists, a survey's number.
 *
 * Browsers and mail clients get the name as UTF-8 (`filename*=`) and an ASCII transliteration (`filename=`)
 * for the few that do not read it. Client-safe: no imports.
 */
export type FilePeriod = { year: number } | { day: string } | { from: string; to: string }

export interface FileNameParts {
  what: string
  period?: FilePeriod
  detail?: string | readonly string[]
  ext: string
}

/** Characters no file system or browser keeps («\ / : * ? " < > |», control characters), quotes of any kind. */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\\/:*?"<>|\u0000-\u001f\u007f«»„“”'‘’`]/g
/** Legal forms left out of an organisation's name in a file name. */
const LEGAL_FORM = /^(?:ПАО|НАО|АО|ОАО|ЗАО|ООО|МУП|ГУП|ФГУП|МКП|ИП)\s+/u

/** A part of a name: unsafe characters out, spaces as «-», at most `max` characters. */
export function namePart(text: string, max = 60): string {
  const cleaned = text.replace(UNSAFE, ' ').trim().replace(/\s+/g, '-').replace(/-{2,}/g, '-')
  return cleaned.length > max ? cleaned.slice(0, max).replace(/-+$/, '') : cleaned
}

/** An organisation as it stands in a file name: «АО «Электросеть»» → «Электросеть». */
export function orgPart(name: string): string {
  return namePart(name.replace(UNSAFE, ' ').trim().replace(LEGAL_FORM, ''), 40)
}

export function periodPart(period: FilePeriod): string {
  if ('year' in period) return String(period.year)
  if ('day' in period) return period.day
  return period.from === period.to ? period.from : `${period.from}_${period.to}`
}

/** The file's name by the scheme above. */
export function fileNameOf(parts: FileNameParts): string {
  const details = (typeof parts.detail === 'string' ? [parts.detail] : (parts.detail ?? [])).map((d) => namePart(d)).filter(Boolean)
  const body = [namePart(parts.what), parts.period ? periodPart(parts.period) : '', ...details].filter(Boolean).join('_')
  return `${body || 'Файл'}.${parts.ext}`
}

// prettier-ignore
const LATIN: Record<string, string> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'yo', ж: 'zh', з: 'z', и: 'i', й: 'y', к: 'k', л: 'l', м: 'm', н: 'n', о: 'o', п: 'p',
  р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts', ч: 'ch', ш: 'sh', щ: 'shch', ъ: '', ы: 'y', ь: '', э: 'e', ю: 'yu', я: 'ya',
}

/** The name in ASCII letters (transliterated Russian), for `filename=`: «Обращения_2025.xlsx» → «Obrascheniya_2025.xlsx». */
export function asciiFileName(name: string): string {
  let out = ''
  for (const ch of name) {
    const lower = ch.toLowerCase()
    const latin = LATIN[lower]
    if (latin !== undefined) out += ch === lower ? latin : latin.charAt(0).toUpperCase() + latin.slice(1)
    else out += /[A-Za-z0-9._-]/.test(ch) ? ch : '_'
  }
  return out.replace(/_{2,}/g, '_')
}

/** RFC 5987 / 6266: `filename*=` percent-encoded UTF-8 (also «'()*», which encodeURIComponent leaves). */
function rfc5987(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

/** The `Content-Disposition` of a download: the ASCII fallback and the UTF-8 name. */
export function contentDisposition(name: string): string {
  return `attachment; filename="${asciiFileName(name)}"; filename*=UTF-8''${rfc5987(name)}`
}
