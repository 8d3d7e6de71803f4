/** Sort, direction, page and size of a server-side table, from the URL; anything unreadable falls back. Client-safe. */
export const PAGE_SIZES = [25, 50, 100] as const

export interface TableParams {
  sort: string
  dir: 'asc' | 'desc'
  page: number
  size: number
}

export function readTableParams(params: URLSearchParams, sortable: readonly string[], defaults: { sort: string; dir: 'asc' | 'desc' }): TableParams {
  const sort = params.get('sort') ?? ''
  const dir = params.get('dir')
  const size = Number(params.get('size'))
  return {
    sort: sortable.includes(sort) ? sort : defaults.sort,
    dir: dir === 'asc' || dir === 'desc' ? dir : defaults.dir,
    page: Math.max(1, Math.min(1_000_000, Math.floor(Number(params.get('page'))) || 1)),
    size: (PAGE_SIZES as readonly number[]).includes(size) ? size : PAGE_SIZES[0],
  }
}
