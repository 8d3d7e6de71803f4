import type { Database } from '#db/client.server.ts'
import { nextDeadlineAfter, readGeneration } from '#db/generation.server.ts'
import type { Scope } from '#db/scope.server.ts'
import { settledAt } from '#reports/deadlines/settled.server.ts'
import { notePageValidUntil } from './page-cache.server.ts'
import { currentRequestState } from './request-state.server.ts'

/**
 * The computed content of views, kept per (view, organisation, scope, parameters) for one data generation
 * (ADR 013). Every request reads the generation (one cheap query, so another process's change is seen at
 * once); a new generation empties the cache. A view computed «as of now» is also kept only until the next
 * deadline of the organisation's appeals or callbacks passes (the instant its verdicts change by time
 * alone), and at most a minute (the other effects of time: an unanswered call's pickup norm of the last
 * seconds, the local day changing) — unless it covers a period whose other time effects are over
 * (`periodEnd`, settledAt: a year long past), which is kept until the next deadline alone (ADR 033).
 * Concurrent requests for the same entry share one computation.
 */
interface Entry {
  value: Promise<unknown>
  validUntil: number
}

const MAX_ENTRIES = 500
const NOW_LIMIT_MS = 60_000
/**
 * At most this many views are computed at once; the others wait their turn holding no database connection.
 * A view's computation runs its queries in parallel (a dashboard: a dozen), so on a large database a crowd of
 * cold views at once took every connection of the pool for tens of seconds, and the cheap requests behind
 * them (a cached page, the session) failed after the pool's 10 s wait (bench:load --big: 76 errors).
 */
export const VIEW_COMPUTATIONS = 2

const turns = { running: 0, waiting: [] as (() => void)[] }

/** Runs `compute` once fewer than VIEW_COMPUTATIONS views are being computed (first come, first served). */
async function inTurn<T>(compute: () => Promise<T>): Promise<T> {
  if (turns.running >= VIEW_COMPUTATIONS) await new Promise<void>((resolve) => turns.waiting.push(resolve))
  else turns.running++
  try {
    return await compute()
  } finally {
    // the slot passes straight to the next waiting computation (running stays counted), or is freed
    const next = turns.waiting.shift()
    if (next) next()
    else turns.running--
  }
}

const state = globalThis as unknown as { __sqViewCache?: { generation: string; entries: Map<string, Entry>; hits: number; misses: number } }
const cache = (state.__sqViewCache ??= { generation: '', entries: new Map(), hits: 0, misses: 0 })

export interface CacheKey {
  /** Which view (dashboard, deadlines, appendix-7…). */
  view: string
  scope: Scope
  /** Everything else the content depends on, JSON-serialisable (the view, the role's personal-data right…). */
  params: unknown
  /** Computed «as of now» (time-dependent), rather than as of a date in the parameters. */
  asOfNow?: boolean
  /**
   * With asOfNow: the end of the latest period the view's figures cover, when nothing else in it depends on the
   * present (no «nearing their term» list, no «today»). Once that period is settled (settledAt), the view is kept
   * until the next deadline passes, not a minute at most.
   */
  periodEnd?: Date
  /** A few indexed look-ups (the view context): computed at once, never waiting behind the heavy views. */
  light?: boolean
}

function keyText(key: CacheKey): string {
  const branches = key.scope.branches === 'all' ? 'all' : [...key.scope.branches].sort().join(',')
  return JSON.stringify([key.view, key.scope.orgId, branches, key.params, Boolean(key.asOfNow)])
}

/** `${count}:${max id}` of data_change: the newest id only grows (old rows are pruned, never the newest). */
const newestChange = (generation: string) => Number(generation.split(':')[1] ?? 0)

/**
 * The generation this request is to be answered at: the one read before a page's loaders ran (request-state),
 * unless the cache already holds a newer one (a request that arrived before another's change must not empty the
 * cache back to its older generation) — then, as for every other request, read now.
 */
async function generationOfRequest(database: Database): Promise<string> {
  const read = currentRequestState()?.generation
  if (read !== undefined && (read === cache.generation || newestChange(read) > newestChange(cache.generation))) return read
  return readGeneration(database.db)
}

export async function cachedView<T>(database: Database, key: CacheKey, compute: () => Promise<T>): Promise<T> {
  const generation = await generationOfRequest(database)
  if (generation !== cache.generation) {
    cache.generation = generation
    cache.entries.clear()
  }
  const text = keyText(key)
  const now = Date.now()
  const found = cache.entries.get(text)
  if (found && found.validUntil > now) {
    cache.hits++
    // most recently used last
    cache.entries.delete(text)
    cache.entries.set(text, found)
    const value = (await found.value) as T
    notePageValidUntil(found.validUntil) // a page showing this view lives no longer than it
    return value
  }
  cache.misses++
  const entry: Entry = { value: Promise.resolve(), validUntil: Number.POSITIVE_INFINITY }
  entry.value = (async () => {
    if (key.asOfNow) {
      const [next, settled] = await Promise.all([
        nextDeadlineAfter(database.db, key.scope.orgId, new Date(now)),
        key.periodEnd ? settledAt(database.db, key.scope.orgId, key.periodEnd) : null,
      ])
      const limit = settled && settled.getTime() <= now ? Number.POSITIVE_INFINITY : now + NOW_LIMIT_MS
      entry.validUntil = Math.min(limit, next ? next.getTime() : Number.POSITIVE_INFINITY)
    }
    return key.light ? compute() : inTurn(compute)
  })()
  cache.entries.set(text, entry)
  // a failed computation is not kept
  entry.value.catch(() => {
    if (cache.entries.get(text) === entry) cache.entries.delete(text)
  })
  while (cache.entries.size > MAX_ENTRIES) cache.entries.delete(cache.entries.keys().next().value!)
  const value = (await entry.value) as T
  notePageValidUntil(entry.validUntil)
  return value
}

/** For tests and the load benchmark: hits and misses since the start. */
export function viewCacheStats() {
  return {
    hits: cache.hits,
    misses: cache.misses,
    entries: cache.entries.size,
    generation: cache.generation,
    computing: turns.running,
    waiting: turns.waiting.length,
  }
}

/** For tests: forget everything. */
export function clearViewCache() {
  cache.entries.clear()
  cache.generation = ''
}
