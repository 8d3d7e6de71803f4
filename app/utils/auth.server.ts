/**
 * Sign-in, sessions and guards. Every loader and action calls `requireUser` / `requireRole` (or is
 * public by the table in access.ts); scope is then applied inside the queries.
 */
import crypto from 'node:crypto'
import { type AppLoadContext, type Session, createCookieSessionStorage, redirect } from '@remix-run/node'
import type { Db } from '#db/client.server.ts'
import type { Scope } from '#db/scope.server.ts'
import type { Organisation } from '#db/schema.ts'
import { type SessionUser, findLiveSessionUser, findLiveSessionUserAndGeneration, scopeOf } from '#app/models/user.server.ts'
import type { Actor } from '#app/models/command.server.ts'
import { getAppContext, prepareDatabase } from './app-database.server.ts'
import { type Access, type RouteId, hasAnyRole, routeAccess } from './access.ts'
import { userReadBefore } from './request-state.server.ts'

const SESSION_DAYS = 7

let storedSecret: Promise<string> | undefined

/**
 * SESSION_SECRET, or one generated once and kept in the database, shared by every process. Read once per
 * process: the stored secret never changes.
 */
function sessionSecret(db: Db): Promise<string> {
  if (process.env.SESSION_SECRET) return Promise.resolve(process.env.SESSION_SECRET)
  storedSecret ??= readStoredSecret(db).catch((error) => {
    storedSecret = undefined
    throw error
  })
  return storedSecret
}

async function readStoredSecret(db: Db): Promise<string> {
  await db
    .insertInto('app_setting')
    .values({ key: 'session_secret', value: crypto.randomBytes(32).toString('base64url') })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute()
  const row = await db.selectFrom('app_setting').select('value').where('key', '=', 'session_secret').executeTakeFirstOrThrow()
  return row.value
}

/** The cookie (signed) names the user and a server-side session (`user_session`, by its SHA-256). */
type SessionData = { userId: string; version: number; sid: string }
const storages = new Map<string, ReturnType<typeof createCookieSessionStorage<SessionData>>>()

/** The cookie is httpOnly, SameSite=Lax, and Secure when the page is served over HTTPS. */
async function storageFor(request: Request, db: Db) {
  const secure = new URL(request.url).protocol === 'https:'
  const secret = await sessionSecret(db)
  const key = `${secure}:${secret}`
  let storage = storages.get(key)
  if (!storage) {
    storage = createCookieSessionStorage<SessionData>({
      cookie: { name: 'sq_session', httpOnly: true, sameSite: 'lax', path: '/', secure, secrets: [secret], maxAge: SESSION_DAYS * 86_400 },
    })
    storages.set(key, storage)
  }
  return storage
}

async function getSession(request: Request, db: Db): Promise<Session<SessionData>> {
  return (await storageFor(request, db)).getSession(request.headers.get('Cookie'))
}

const hashOf = (sid: string) => crypto.createHash('sha256').update(sid).digest('base64url')

/**
 * The signed-in user, or undefined. A session ends when the user signs out (its row is deleted, so a copied
 * cookie stops working too), after 7 days, or when the user is disabled or their password reset.
 */
export async function getUser(request: Request): Promise<SessionUser | undefined> {
  // a page request's loaders take the user the page cache read before they ran (request-state.server.ts)
  const known = userReadBefore(request)
  if (known) return known.user
  const database = await prepareDatabase()
  const session = await getSession(request, database.db)
  const userId = session.get('userId')
  const sid = session.get('sid')
  if (typeof userId !== 'string' || typeof sid !== 'string') return undefined
  const user = await findLiveSessionUser(database.db, userId, hashOf(sid), new Date())
  if (!user || user.sessionVersion !== session.get('version')) return undefined
  return user
}

/** `getUser` and the data generation in one round trip (the page cache's check of every page it answers). */
export async function getUserAndGeneration(request: Request): Promise<{ user: SessionUser | undefined; generation: string }> {
  // the database only, not the organisation: this is the one query of a kept page's answer (ADR 023)
  const database = await prepareDatabase()
  const session = await getSession(request, database.db)
  const userId = session.get('userId')
  const sid = session.get('sid')
  const signed = typeof userId === 'string' && typeof sid === 'string'
  const found = await findLiveSessionUserAndGeneration(database.db, signed ? userId : '', signed ? hashOf(sid) : '', new Date())
  const user = signed && found.user && found.user.sessionVersion === session.get('version') ? found.user : undefined
  return { user, generation: found.generation }
}

/**
 * Forms are safe from cross-site request forgery: besides SameSite=Lax cookies, a state-changing request
 * must come from a page of this site (Origin, or Referer when a browser sends no Origin).
 */
export function requireSameOrigin(request: Request): void {
  if (request.method === 'GET' || request.method === 'HEAD') return
  const expected = new URL(request.url).host
  const origin = request.headers.get('Origin') ?? request.headers.get('Referer')
  if (origin === null) return // not a browser: no ambient cookies to abuse
  let host: string
  try {
    host = new URL(origin).host
  } catch {
    host = ''
  }
  if (host !== expected) throw new Response('Запрос с чужого сайта отклонён.', { status: 403 })
}

export async function requireUser(request: Request): Promise<SessionUser> {
  requireSameOrigin(request)
  const user = await getUser(request)
  if (!user) {
    const url = new URL(request.url)
    const back = `${url.pathname}${url.search}`
    throw redirect(`/login?redirectTo=${encodeURIComponent(back)}`)
  }
  return user
}

/** 403 «Недостаточно прав» unless the user holds one of the roles. */
export async function requireRole(request: Request, allowed: Access): Promise<SessionUser> {
  const user = await requireUser(request)
  if (!hasAnyRole(user.roles, allowed)) throw new Response('Недостаточно прав для этой страницы.', { status: 403 })
  return user
}

/** The guard of a route by its line in access.ts. */
export function requireRouteAccess(request: Request, route: RouteId): Promise<SessionUser> {
  return requireRole(request, routeAccess[route])
}

/**
 * The guard of an action (ADR 025): the route's roles, then the actor built once — organisation, user,
 * client address and scope — that commands take and write into the audit row.
 */
export async function requireActor(args: { request: Request; context?: AppLoadContext }, route: RouteId): Promise<Actor> {
  const user = await requireRouteAccess(args.request, route)
  const { org } = await getAppContext()
  return actorOf(user, org, args.context)
}

/** The actor of a user a guard has already let in (for the view helpers that guard themselves). */
export function actorOf(user: SessionUser, org: Organisation, context?: AppLoadContext): Actor {
  return { org, user, ip: context?.ip ?? null, scope: scopeOf(user) }
}

export function getScope(user: SessionUser): Scope {
  return scopeOf(user)
}

export async function startSession(request: Request, user: SessionUser, redirectTo: string): Promise<Response> {
  const database = await prepareDatabase()
  const storage = await storageFor(request, database.db)
  const sid = crypto.randomBytes(32).toString('base64url')
  await database.db
    .insertInto('user_session')
    .values({ id_hash: hashOf(sid), user_id: user.id, expires_at: new Date(Date.now() + SESSION_DAYS * 86_400_000) })
    .execute()
  // now and then forget sessions that have run out
  if (Math.random() < 0.01) await database.db.deleteFrom('user_session').where('expires_at', '<', new Date()).execute()
  const session = await storage.getSession()
  session.set('userId', user.id)
  session.set('version', user.sessionVersion)
  session.set('sid', sid)
  return redirect(safeRedirect(redirectTo), { headers: { 'Set-Cookie': await storage.commitSession(session) } })
}

/** Signing out deletes the session on the server: the cookie, wherever copied, no longer signs anyone in. */
export async function endSession(request: Request): Promise<Response> {
  const database = await prepareDatabase()
  const storage = await storageFor(request, database.db)
  const session = await storage.getSession(request.headers.get('Cookie'))
  const sid = session.get('sid')
  if (typeof sid === 'string') await database.db.deleteFrom('user_session').where('id_hash', '=', hashOf(sid)).execute()
  return redirect('/login', { headers: { 'Set-Cookie': await storage.destroySession(session) } })
}

const OWN_ORIGIN = 'http://service-quality.invalid'

/**
 * Only paths of this site: the value, resolved against the site's own origin, must stay on it, and may hold
 * no control characters (a tab or a line break is dropped by browsers — `/\t/evil.example` is `//evil.example`
 * to them — and CR/LF would break the header). Anything else falls back to the home page. The result is the
 * URL parser's own serialisation (percent-encoded), so the `Location` header is always well formed.
 */
export function safeRedirect(to: string | null | undefined): string {
  if (!to || !to.startsWith('/') || /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(to)) return '/'
  let url: URL
  try {
    url = new URL(to, OWN_ORIGIN)
  } catch {
    return '/'
  }
  // `//evil.example`, `/\evil.example` and the like resolve to another origin
  if (url.origin !== OWN_ORIGIN) return '/'
  const path = `${url.pathname}${url.search}${url.hash}`
  // and so must the result when read again: `/a/..//evil.example` serialises as `//evil.example`
  return path.startsWith('//') || path.startsWith('/\\') ? '/' : path
}
