import { AsyncLocalStorage } from 'node:async_hooks'
import type { SessionUser } from '#app/models/user.server.ts'
import type { Organisation } from '#db/schema.ts'

/**
 * What the page cache read of a page request before Remix ran it (ADR 023, ADR 035): the data generation and
 * the user as the guards see him, in one round trip. The loaders of that request take both from here instead
 * of asking the database again — `getUser` (root and route), the view cache's generation, the organisation —
 * as if the request had been run at the instant it was read, which is what a request is anyway. Only GET
 * requests of a page that may be kept have it; actions, files and data requests read for themselves.
 */
export interface RequestState {
  /** The page cache's key: the user as the guards see him and the address. */
  key: string
  /** The request's Cookie header, so that a state is never used for another request's session. */
  cookie: string
  /** Its address (path and query). */
  url: string
  generation: string
  user: SessionUser | undefined
  orgId: string | null
  /** The page lives no longer than this (views computed «as of now», the minute limit). */
  validUntil: number
  /** The organisation, read once for all the request's loaders. */
  org?: Promise<Organisation>
  /** The page cache's keeping of this page, when started (waiting requests for the same page wait for it). */
  keeping?: Promise<void>
}

const state = globalThis as unknown as { __sqRequestState?: AsyncLocalStorage<RequestState> }
export const requestStorage = (state.__sqRequestState ??= new AsyncLocalStorage<RequestState>())

/** The state of the page request being run, if it has one. */
export function currentRequestState(): RequestState | undefined {
  return requestStorage.getStore()
}

/** The user read before the loaders ran, when `request` is the very page request of this state. */
export function userReadBefore(request: Request): { user: SessionUser | undefined } | undefined {
  const current = requestStorage.getStore()
  if (!current || request.method !== 'GET' || (request.headers.get('Cookie') ?? '') !== current.cookie) return undefined
  return { user: current.user }
}
