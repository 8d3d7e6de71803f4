import crypto from 'node:crypto'
import type { EntryContext } from '@remix-run/node'

/**
 * Rendered pages, kept by everything their HTML is made of (ADR 023). A page's HTML is a pure function of
 * the build, the address and the data its loaders returned (React renders the same props the same way; the
 * route components take the time, the user and every figure from their loaders). So a key made of the
 * address, the loaders' data, the status and the server hand-off names one HTML text, and the render — the
 * largest cost of a page on the server, 20–40 ms of CPU for a dashboard — is done once per distinct content.
 * Staleness is impossible by construction: new figures are new loader data, hence a new key; the figures
 * themselves come from the view cache, which follows the data generation. The per-request CSP nonce is
 * rendered as a placeholder and replaced in the text of each answer.
 *
 * Only plain successful GET renders are kept (no action data, no errors, status 200); entries are limited
 * by their total size and the least recently used go first.
 */
const MAX_BYTES = Number(process.env.RENDER_CACHE_MB ?? 64) * 1024 * 1024

interface Entry {
  html: string
  bytes: number
}

const state = globalThis as unknown as {
  __sqRenderCache?: { entries: Map<string, Entry>; bytes: number; hits: number; misses: number; placeholder: string }
}
const cache = (state.__sqRenderCache ??= {
  entries: new Map(),
  bytes: 0,
  hits: 0,
  misses: 0,
  // unguessable, so that no data can contain it by chance or on purpose
  placeholder: `sqnonce${crypto.randomBytes(18).toString('hex')}`,
})

/** The nonce the page is rendered with when it may be kept; replaced by the request's own in `withNonce`. */
export const NONCE_PLACEHOLDER = cache.placeholder

function keyOf(request: Request, status: number, context: EntryContext): string | null {
  if (MAX_BYTES <= 0 || request.method !== 'GET' || status !== 200) return null
  const handler = context.staticHandlerContext
  if (handler.errors || handler.actionData) return null
  const hash = crypto.createHash('sha256')
  hash.update(request.url)
  hash.update('\0')
  hash.update(handler.matches.map((match) => match.route.id).join('|'))
  hash.update('\0')
  hash.update(context.serverHandoffString ?? '')
  hash.update('\0')
  hash.update(JSON.stringify(handler.loaderData, dateAware))
  return hash.digest('base64')
}

// The key must tell apart every two data that render differently: a Date from its ISO text, undefined from a
// missing field, NaN and ±Infinity from null (JSON.stringify confuses each pair). Anything else that JSON
// cannot carry (a Map, a promise, a function) makes the render uncacheable rather than wrongly shared.
function dateAware(this: Record<string, unknown>, key: string, value: unknown) {
  const raw = this[key]
  if (raw instanceof Date) return `\0date:${raw.getTime()}`
  if (raw === undefined) return '\0undefined'
  if (typeof raw === 'number' && !Number.isFinite(raw)) return `\0number:${raw}`
  if (raw instanceof Map || raw instanceof Set || typeof raw === 'function' || typeof raw === 'bigint' || typeof raw === 'symbol') throw new Uncacheable()
  if (raw !== null && typeof raw === 'object' && typeof (raw as { then?: unknown }).then === 'function') throw new Uncacheable()
  return value
}

class Uncacheable extends Error {}

/** The key of a render, or null when this render must not be kept. */
export function renderKey(request: Request, status: number, context: EntryContext): string | null {
  try {
    return keyOf(request, status, context)
  } catch (error) {
    if (error instanceof Uncacheable) return null
    throw error
  }
}

export function cachedRender(key: string): string | undefined {
  const found = cache.entries.get(key)
  if (!found) {
    cache.misses++
    return undefined
  }
  cache.hits++
  cache.entries.delete(key)
  cache.entries.set(key, found)
  return found.html
}

export function keepRender(key: string, html: string) {
  const bytes = html.length * 2
  if (bytes > MAX_BYTES / 8) return
  const old = cache.entries.get(key)
  if (old) {
    cache.bytes -= old.bytes
    cache.entries.delete(key)
  }
  cache.entries.set(key, { html, bytes })
  cache.bytes += bytes
  while (cache.bytes > MAX_BYTES && cache.entries.size > 0) {
    const [oldest, entry] = cache.entries.entries().next().value as [string, Entry]
    cache.entries.delete(oldest)
    cache.bytes -= entry.bytes
  }
}

const rendering = new Map<string, Promise<string | undefined>>()

/**
 * The render of this content under way, if any: requests for the same content at the same moment (ten users of
 * one login opening the same page together) wait for that one instead of each rendering it. It resolves to the
 * HTML, or to undefined when that render is not to be shared (an error): the waiter renders for itself.
 */
export function renderUnderWay(key: string): Promise<string | undefined> | undefined {
  return rendering.get(key)
}

/** Notes a render of `key` as under way; the returned function ends it with its HTML (or undefined). */
export function startRender(key: string): (html: string | undefined) => void {
  let settle!: (html: string | undefined) => void
  const done = new Promise<string | undefined>((resolve) => (settle = resolve))
  rendering.set(key, done)
  let settled = false
  return (html) => {
    if (settled) return
    settled = true
    if (rendering.get(key) === done) rendering.delete(key)
    settle(html)
  }
}

/** The kept HTML with this request's nonce. */
export function withNonce(html: string, nonce: string): string {
  return html.replaceAll(NONCE_PLACEHOLDER, nonce)
}

/** For tests and the load benchmark. */
export function renderCacheStats() {
  return { hits: cache.hits, misses: cache.misses, entries: cache.entries.size, bytes: cache.bytes }
}

export function clearRenderCache() {
  cache.entries.clear()
  cache.bytes = 0
}
