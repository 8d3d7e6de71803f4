/**
 * Sort, direction, page and size of a server-side table, from the URL; anything unreadable falls back (a
 * zod schema per call, ADR 025). Client-safe.
 */
import { z } from 'zod'

export const PAGE_SIZES = [25, 50, 100] as const

export interface TableParams {
  sort: string
  dir: 'asc' | 'desc'
  page: number
  size: number
}

const first = (v: unknown) => (Array.isArray(v) ? v[0] : v)

/** The schema of a table's search params: the sortable columns and the defaults of the table. */
export function tableParamsSchema(sortable: readonly string[], defaults: { sort: string; dir: 'asc' | 'desc' }) {
  return z.object({
    sort: z
      .preprocess(
        first,
        z.string().refine((s) => sortable.includes(s)),
      )
      .catch(defaults.sort),
    dir: z.preprocess(first, z.enum(['asc', 'desc'])).catch(defaults.dir),
    page: z
      .preprocess((v) => Math.floor(Number(first(v))) || 1, z.number())
      .transform((n) => Math.max(1, Math.min(1_000_000, n)))
      .catch(1),
    size: z
      .preprocess((v) => Number(first(v)), z.number())
      .refine((n) => (PAGE_SIZES as readonly number[]).includes(n))
      .catch(PAGE_SIZES[0]),
  })
}

export function readTableParams(params: URLSearchParams, sortable: readonly string[], defaults: { sort: string; dir: 'asc' | 'desc' }): TableParams {
  const firsts: Record<string, string> = {}
  for (const [key, value] of params) if (!(key in firsts)) firsts[key] = value
  return tableParamsSchema(sortable, defaults).parse(firsts)
}
