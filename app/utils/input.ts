/**
 * One input vocabulary (issue 19 §5, ADR 025): forms and search params are read by zod schemas. A refusal
 * is keyed by field, in Russian, and answered with 400; the page shows the message beside its field and,
 * as a summary, above the form. Client-safe (no server modules).
 */
import { z } from 'zod'
import { InputError } from '#reports/errors.ts'

/** zod's own Russian messages, for any check a schema gives no message of its own. */
const RUSSIAN = z.locales.ru().localeError

/** What a refused form answers: the summary (every message, with its field's label) and each field's message. */
export interface FormRefusal {
  error: string
  fieldErrors: Record<string, string>
}

export type Parsed<T> = { ok: true; data: T } | ({ ok: false } & FormRefusal)

/** A form (or search params) as an object: a key sent once is a string, a key sent several times a list. */
export function entriesOf(input: FormData | URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {}
  for (const key of new Set(input.keys())) {
    const values = input.getAll(key).map((v) => (typeof v === 'string' ? v : v.name))
    out[key] = values.length === 1 ? values[0]! : values
  }
  return out
}

/**
 * Reads `input` by `schema`. `labels` names the fields as the form does («Год», «Дата»), for the summary;
 * a message that already names its field is kept as it is.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: FormData | URLSearchParams, labels: Record<string, string> = {}): Parsed<z.output<S>> {
  const result = schema.safeParse(entriesOf(input), { error: RUSSIAN })
  if (result.success) return { ok: true, data: result.data }
  const fieldErrors: Record<string, string> = {}
  for (const issue of result.error.issues) {
    const key = issue.path.length ? String(issue.path[0]) : ''
    if (!(key in fieldErrors)) fieldErrors[key] = issue.message
  }
  return { ok: false, ...refusalOf(fieldErrors, labels) }
}

/** The refusal of one or more fields, with a summary that names each field by its label. */
export function refusalOf(fieldErrors: Record<string, string>, labels: Record<string, string> = {}): FormRefusal {
  const error = Object.entries(fieldErrors)
    .map(([key, message]) => (key && labels[key] ? `${labels[key]}: ${message}` : message))
    .join(' ')
  return { error, fieldErrors }
}

/** A model's refusal (`InputError`) as a form refusal, keyed by its field when it names one. */
export function refusalOfError(error: InputError): FormRefusal {
  return { error: error.message, fieldErrors: { [error.field ?? '']: error.message } }
}

// ---- field schemas (every message in Russian) ----

const one = (v: unknown) => (Array.isArray(v) ? v[0] : v)

/** A text field; absent is empty. Trimmed unless `raw`. */
export const text = (options: { max?: number; raw?: boolean } = {}) =>
  z.preprocess(
    (v) => one(v) ?? '',
    z
      .string({ error: 'Ожидается текст.' })
      .max(options.max ?? 10_000, { error: `Не длиннее ${options.max ?? 10_000} знаков.` })
      .transform((s) => (options.raw ? s : s.trim())),
  )

/** A text field that must not be empty. */
export const requiredText = (message: string, max = 10_000) =>
  z.preprocess(
    (v) => one(v) ?? '',
    z
      .string({ error: message })
      .trim()
      .min(1, { error: message })
      .max(max, { error: `Не длиннее ${max} знаков.` }),
  )

/** A checkbox: sent (`on`) or not. */
export const checkbox = () => z.preprocess((v) => one(v) === 'on', z.boolean())

/** A field sent any number of times (checkboxes of one name, a multiple select). */
export const list = () => z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(z.string()))

/** A whole number between `min` and `max` (spaces allowed, `1 000`). */
export const wholeNumber = (min: number, max: number, message = `Целое число от ${min} до ${max}.`) =>
  z.preprocess(
    (v) => {
      const s = String(one(v) ?? '').replace(/\s/g, '')
      return s === '' || !/^-?\d+$/.test(s) ? Number.NaN : Number(s)
    },
    z.number({ error: message }).int({ error: message }).min(min, { error: message }).max(max, { error: message }),
  )

/** A number with a decimal comma or point (`1,5`), at least `min`. */
export const decimalNumber = (min: number, max: number, message: string) =>
  z.preprocess(
    (v) => {
      const s = String(one(v) ?? '')
        .replace(/\s/g, '')
        .replace(',', '.')
      return s === '' || !/^-?\d+(\.\d+)?$/.test(s) ? Number.NaN : Number(s)
    },
    z.number({ error: message }).min(min, { error: message }).max(max, { error: message }),
  )

/** Empty is null; otherwise a whole number between `min` and `max`. */
export const optionalWholeNumber = (min: number, max: number, message = `Целое число от ${min} до ${max}.`) =>
  z.union([z.preprocess((v) => (String(one(v) ?? '').trim() === '' ? null : v), z.null()), wholeNumber(min, max, message)], { error: message })

/** Empty is null; otherwise a number with a decimal comma or point. */
export const optionalDecimalNumber = (min: number, max: number, message: string) =>
  z.union([z.preprocess((v) => (String(one(v) ?? '').trim() === '' ? null : v), z.null()), decimalNumber(min, max, message)], { error: message })

/** A database id (a whole number as text). */
export const id = (message = 'Неверный номер записи.') =>
  z.preprocess((v) => one(v) ?? '', z.string({ error: message }).regex(/^\d{1,18}$/, { error: message }))

/** One of the listed values. */
export const oneOf = <const T extends readonly [string, ...string[]]>(values: T, message: string) =>
  z.preprocess((v) => one(v) ?? '', z.enum(values, { error: message }))

/** A search param that falls back to `fallback` when absent or unreadable (a hand-edited URL). */
export const withFallback = <T>(schema: z.ZodType<T>, fallback: T) => schema.catch(fallback)

export { z, InputError }
