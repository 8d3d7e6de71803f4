import crypto from 'node:crypto'
import type { EntryContext } from '@remix-run/node'
import { nextDeadlineAfter, readGeneration } from '#db/generation.server.ts'
import { prepareDatabase } from './app-database.server.ts'
import { getUserAndGeneration } from './auth.server.ts'
import { acceptsGzip, deflateParts, gzipJoined, gzipPartsAvailable } from './gzip-parts.server.ts'
import { type RequestState, requestStorage as storage } from './request-state.server.ts'

/**
 * Whole pages of a signed-in user, answered before Remix runs (ADR 023). A page is kept when every route of
 * it says its content comes only from watched data (`handle: { pageCache: true }`: tables whose every change
 * moves the data generation, ADR 013) and the request changed nothing. A kept page is answered only while
 *   - the data generation is the one read before the page's loaders ran (and unchanged when it was kept),
 *   - the user, as the guards see him now (session alive, roles, branches, personal-data right, not
 *     disabled), is the user he was then,
 *   - and the time rules of the view cache hold: until the next appeal or callback deadline of the
 *     organisation passes, at most a minute.
 * The check costs one small query (the session, the user and the generation together); the loaders, the
 * router, the data encoding and the render are skipped. Each answer carries
 * its own CSP nonce. A kept page asked for again is also compressed once, in the thread pool, and answered gzipped to every
 * client that takes gzip, with its nonce still its own (gzip-parts.server.ts, ADR 034): a dashboard is 420 KB
 * of HTML and 57 KB on the wire. Keyed by the user as the guards see him now and the address, so nobody is ever answered
 * another's page, nor a page of what he was before a change of his roles or branches.
 */
const MAX_BYTES = Number(process.env.PAGE_CACHE_MB ?? 64) * 1024 * 1024
const LIMIT_MS = 60_000
const SESSION_COOKIE = 'sq_session'

interface Page {
  parts: Buffer[]
  /** The parts' deflate segments, once compressed (deflateParts). */
  gzip?: Buffer[]
  compressing?: boolean
  /** Of the parts and the segments. */
  bytes: number
  status: number
  contentType: string
  generation: string
  validUntil: number
}

const state = globalThis as unknown as { __sqPageCache?: { pages: Map<string, Page>; bytes: number; hits: number; misses: number; waited: number } }
const cache = (state.__sqPageCache ??= { pages: new Map(), bytes: 0, hits: 0, misses: 0, waited: 0 })

/**
 * Pages being run through Remix now, by key: a request for the same page of the same user meanwhile (his ten
 * tabs, a colleague on the same login, a refresh) waits for that run and is answered from what it kept, instead
 * of running the loaders and the render once more (ADR 035). Only for addresses whose pages were kept before
 * (`keptPaths`): a page that is never kept (imports, administration) is never waited for.
 */
const running = new Map<string, { generation: string; done: Promise<void> }>()
const keptPaths = new Set<string>()
const WAIT_MS = 15_000

/** What servePage read of a request it did not answer, for runPage (one read per request). */
const readBefore = new WeakMap<object, RequestState>()
/** What server.mjs gives: the parts of an Express request that the cache reads. */
export interface IncomingPage {
  method: string
  originalUrl: string
  headers: { cookie?: string; host?: string; 'accept-encoding'?: string; 'sec-fetch-site'?: string }
}

function sessionCookie(cookie: string | undefined): string | undefined {
  if (!cookie) return undefined
  for (const part of cookie.split(';')) {
    const [name, ...rest] = part.trim().split('=')
    if (name === SESSION_COOKIE) return rest.join('=')
  }
  return undefined
}

function eligible(req: IncomingPage): string | undefined {
  if (MAX_BYTES <= 0 || req.method !== 'GET') return undefined
  const path = req.originalUrl.split('?')[0]!
  // single-fetch data, files and the like are not pages
  if (path.endsWith('.data') || /\.[a-z0-9]+$/i.test(path) || req.originalUrl.includes('_data=')) return undefined
  return sessionCookie(req.headers.cookie)
}

// keyed by the user as the guards see him (not by the session): his second tab or device gets the same page
const keyOf = (user: string, url: string) => crypto.createHash('sha256').update(user).update('\0').update(url).digest('base64')

/**
 * The data generation, and the user as every guard sees him (any change of session, roles, branches or rights
 * changes the key), in one round trip.
 */
async function requestState(cookie: string, url: string): Promise<RequestState> {
  const { user, generation } = await getUserAndGeneration(new Request(`http://localhost${url}`, { headers: { Cookie: cookie } }))
  return { key: keyOf(JSON.stringify(user ?? null), url), cookie, url, generation, user, orgId: user?.orgId ?? null, validUntil: Date.now() + LIMIT_MS }
}

/**
 * The browser says another site started the request (a link, a form, a script's navigation there). Such an answer
 * goes uncompressed: a compressed page that echoes what the request asked (its address is in the page's data)
 * beside personal data would let another site that can also watch the encrypted traffic guess that data from
 * the sizes (BREACH). The user's own clicks and typed addresses are `same-origin` or `none` (ADR 034).
 */
const fromAnotherSite = (site: string | undefined) => site === 'cross-site' || site === 'same-site'

const pathOf = (url: string) => url.split('?')[0]!

/** Its page may be made once for several requests: a signed-in user (no page is kept for nobody) and an address kept before. */
const shareable = (request: RequestState) => request.orgId !== null && keptPaths.has(pathOf(request.url))

/** The kept page of `request`, if it is still exactly what Remix would answer now. */
function usablePage(request: RequestState): Page | undefined {
  const page = cache.pages.get(request.key)
  return page && page.generation === request.generation && page.validUntil > Date.now() ? page : undefined
}

/** A kept page for this request, if it is still exactly what Remix would answer; otherwise null. */
export async function servePage(req: IncomingPage, nonce: string): Promise<{ status: number; contentType: string; body: Buffer; encoding?: 'gzip' } | null> {
  if (!eligible(req)) return null
  await prepareDatabase()
  let request = await requestState(req.headers.cookie!, req.originalUrl)
  const key = request.key
  let page = usablePage(request)
  const run = running.get(key)
  // waited for only when its page can be this request's: the same generation read (a run that started before a
  // change can keep nothing this request may be answered), by a signed-in user (no page is kept for nobody)
  if (!page && run && run.generation === request.generation && shareable(request)) {
    // the same page is being made for the same user at the same generation: the run started earlier, and a page
    // is kept only if the generation did not move while it was made
    cache.waited++
    let timer: NodeJS.Timeout | undefined
    await Promise.race([run.done, new Promise((resolve) => (timer = setTimeout(resolve, WAIT_MS)))])
    clearTimeout(timer)
    page = usablePage(request)
    // nothing kept for it: the request runs itself, with the user and the generation as they are now (what it
    // read before the wait may be seconds old — a role taken away, a sign-out, an import committed meanwhile)
    if (!page) request = await requestState(req.headers.cookie!, req.originalUrl)
  }
  if (!page) {
    cache.misses++
    readBefore.set(req, request)
    // the first request of this page to miss makes it; the next ones wait for it (runPage ends the run)
    if (!running.has(request.key) && shareable(request))
      running.set(request.key, { generation: request.generation, done: new Promise<void>((resolve) => pageRuns.set(request, resolve)) })
    return null
  }
  cache.hits++
  cache.pages.delete(key)
  cache.pages.set(key, page)
  const nonceBytes = Buffer.from(nonce)
  if (acceptsGzip(req.headers['accept-encoding']) && !fromAnotherSite(req.headers['sec-fetch-site'])) {
    if (page.gzip) return { status: page.status, contentType: page.contentType, body: gzipJoined(page.parts, page.gzip, nonceBytes), encoding: 'gzip' }
    compress(key, page)
  }
  const pieces: Buffer[] = []
  page.parts.forEach((part: Buffer, i: number) => {
    if (i > 0) pieces.push(nonceBytes)
    pieces.push(part)
  })
  return { status: page.status, contentType: page.contentType, body: Buffer.concat(pieces) }
}

/** The end of a run that others wait for, by the request state that started it. */
const pageRuns = new WeakMap<RequestState, () => void>()

/**
 * Runs Remix's handler for a page that may be kept, with the generation and the user read first (by servePage,
 * or here), so that whatever the loaders read is at least as new as what the kept page will be checked against.
 */
export async function runPage(req: IncomingPage, handle: () => unknown): Promise<unknown> {
  if (!eligible(req)) return handle()
  let request = readBefore.get(req)
  readBefore.delete(req)
  if (!request) {
    try {
      await prepareDatabase()
      request = await requestState(req.headers.cookie!, req.originalUrl)
    } catch {
      return handle() // the database is down: the page answers for itself
    }
  }
  const started = request
  const end = pageRuns.get(started)
  const run = running.get(started.key)
  if (!end) return storage.run(started, handle)
  pageRuns.delete(started)
  try {
    return await storage.run(started, handle)
  } finally {
    // those waiting look again once the page is kept (or is known not to be)
    void Promise.resolve(started.keeping)
      .catch(() => {})
      .finally(() => {
        if (run && running.get(started.key) === run) running.delete(started.key)
        end()
      })
  }
}

/** Views computed «as of now» (the view cache) shorten the life of the page that shows them. */
export function notePageValidUntil(instant: number) {
  const request = storage.getStore()
  if (request) request.validUntil = Math.min(request.validUntil, instant)
}

/** Every route of the page says its content comes only from watched data (`handle: { pageCache: true }`). */
export function pageMayBeKept(context: EntryContext): boolean {
  if (!storage.getStore()) return false
  const routes = context.staticHandlerContext.matches.map((m) => context.routeModules[m.route.id] as { handle?: { pageCache?: boolean } } | undefined)
  return routes.length > 0 && routes.every((route) => route?.handle?.pageCache === true)
}

/**
 * Called by the document render with its HTML (the nonce still a placeholder): keeps it when every route of
 * the page allows it, the answer is a plain 200 without cookies, and the data did not change meanwhile.
 */
export function keepPage(context: EntryContext, status: number, headers: Headers, html: string, placeholder: string): Promise<void> {
  const request = storage.getStore()
  if (!request) return Promise.resolve()
  const keeping = keepNow(request, context, status, headers, html, placeholder)
  request.keeping = keeping
  return keeping
}

async function keepNow(request: RequestState, context: EntryContext, status: number, headers: Headers, html: string, placeholder: string): Promise<void> {
  if (status !== 200 || headers.has('Set-Cookie') || !request.orgId) return
  if (!pageMayBeKept(context)) return
  const database = await prepareDatabase()
  const now = Date.now()
  const [generation, next] = await Promise.all([readGeneration(database.db), nextDeadlineAfter(database.db, request.orgId, new Date(now))])
  if (generation !== request.generation) return
  const validUntil = Math.min(request.validUntil, next ? next.getTime() : Number.POSITIVE_INFINITY)
  if (validUntil <= now) return
  const parts = html.split(placeholder).map((text) => Buffer.from(text))
  const bytes = parts.reduce((sum, part) => sum + part.length, 0)
  if (bytes > MAX_BYTES / 8) return
  const old = cache.pages.get(request.key)
  if (old) {
    cache.bytes -= old.bytes
    cache.pages.delete(request.key)
  }
  const page: Page = { parts, bytes, status, contentType: headers.get('Content-Type') ?? 'text/html; charset=utf-8', generation, validUntil }
  cache.pages.set(request.key, page)
  cache.bytes += bytes
  if (keptPaths.size >= 1000) keptPaths.clear()
  keptPaths.add(pathOf(request.url))
  keepWithinLimit()
}

/**
 * Compresses a kept page in the thread pool, on its first answer from the cache (a page asked for once is never
 * compressed: on a large organisation's office views, half the kept pages); answered uncompressed until the
 * segments are ready, and the segments dropped if the page is no longer kept by then.
 */
function compress(key: string, page: Page) {
  if (!gzipPartsAvailable || page.compressing) return
  page.compressing = true
  deflateParts(page.parts).then(
    (segments) => {
      if (cache.pages.get(key) !== page) return
      const more = segments.reduce((sum, segment) => sum + segment.length, 0)
      page.gzip = segments
      page.bytes += more
      cache.bytes += more
      keepWithinLimit()
    },
    () => {},
  )
}

function keepWithinLimit() {
  while (cache.bytes > MAX_BYTES && cache.pages.size > 0) {
    const [oldest, page] = cache.pages.entries().next().value as [string, Page]
    cache.pages.delete(oldest)
    cache.bytes -= page.bytes
  }
}

/** For tests and the load benchmark. */
export function pageCacheStats() {
  return { hits: cache.hits, misses: cache.misses, waited: cache.waited, pages: cache.pages.size, bytes: cache.bytes }
}

export function clearPageCache() {
  cache.pages.clear()
  cache.bytes = 0
}
