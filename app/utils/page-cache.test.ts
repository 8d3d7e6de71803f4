/**
 * One run per page and user at a time (ADR 035): a request for a page being made for the same user at the same
 * data generation waits for that run and is answered from what it kept; one at another generation does not
 * wait; one whose wait brought nothing runs with the user and the generation as they are after the wait.
 */
import { vi } from 'vitest'
import type { EntryContext } from '@remix-run/node'

const db = vi.hoisted(() => ({
  generation: '1:1',
  user: { id: '9', orgId: '1', login: 'rukovoditel', roles: ['management'], sessionVersion: 1 } as Record<string, unknown>,
  reads: 0,
}))

vi.mock('./auth.server.ts', () => ({
  getUserAndGeneration: async () => {
    db.reads++
    return { user: { ...db.user }, generation: db.generation }
  },
}))
vi.mock('#db/generation.server.ts', () => ({
  readGeneration: async () => db.generation,
  nextDeadlineAfter: async () => null,
}))
// the database is «prepared» already (app-database.server.ts keeps it on globalThis)
;(globalThis as { __sqReady?: Promise<unknown> }).__sqReady = Promise.resolve({ db: {} })

const { servePage, runPage, keepPage } = await import('./page-cache.server.ts')
const { currentRequestState } = await import('./request-state.server.ts')

const context = {
  staticHandlerContext: { matches: [{ route: { id: 'root' } }] },
  routeModules: { root: { handle: { pageCache: true } } },
} as unknown as EntryContext
const request = (url: string) => ({ method: 'GET', originalUrl: url, headers: { cookie: 'sq_session=a' } })

/** Remix's part, faked: waits for `gate`, then keeps `html` (or nothing); returns the user its loaders saw. */
function run(req: ReturnType<typeof request>, html: string | null, gate: Promise<void> = Promise.resolve()) {
  return runPage(req, async () => {
    await gate
    const seen = currentRequestState()?.user
    if (html !== null) await keepPage(context, 200, new Headers({ 'Content-Type': 'text/html; charset=utf-8' }), html, 'NONCE')
    return seen
  }) as Promise<Record<string, unknown> | undefined>
}

function gate() {
  let open!: () => void
  const closed = new Promise<void>((resolve) => (open = resolve))
  return { closed, open }
}

const settled = async <T>(promise: Promise<T>) => {
  let done = false
  void promise.then(() => (done = true))
  await new Promise((r) => setTimeout(r, 20))
  return done
}

beforeAll(async () => {
  // this address has been kept before: its requests may wait for one another
  const warm = request('/dashboard?period=year')
  expect(await servePage(warm, 'n')).toBeNull()
  await run(warm, '<p>год NONCE</p>')
  expect((await servePage(warm, 'n1'))?.body.toString()).toBe('<p>год n1</p>')
})

beforeEach(() => {
  db.generation = '1:1'
  db.user = { ...db.user, roles: ['management'] }
})

describe('a page being made for the same user', () => {
  it('is made once: the request that asks meanwhile waits and is answered from what the run kept', async () => {
    const first = request('/dashboard?period=quarter&quarter=1')
    expect(await servePage(first, 'a')).toBeNull()
    const { closed, open } = gate()
    const making = run(first, '<p>квартал NONCE</p>', closed)
    const second = servePage(request('/dashboard?period=quarter&quarter=1'), 'b')
    expect(await settled(second)).toBe(false) // waiting for the run, not running the page itself
    open()
    await making
    const answer = await second
    expect(answer?.body.toString()).toBe('<p>квартал b</p>')
  })

  it('is not waited for by a request that read another generation (the run cannot keep a page for it)', async () => {
    const first = request('/dashboard?period=quarter&quarter=2')
    expect(await servePage(first, 'a')).toBeNull()
    const { closed, open } = gate()
    const making = run(first, '<p>квартал 2 NONCE</p>', closed)
    db.generation = '2:2' // an import committed after the run started
    const second = servePage(request('/dashboard?period=quarter&quarter=2'), 'b')
    expect(await settled(second)).toBe(true)
    expect(await second).toBeNull()
    open()
    await making
    // and the run's page was not kept either: the generation moved while it was made
    expect(await servePage(request('/dashboard?period=quarter&quarter=2'), 'c')).toBeNull()
  })

  it('when the run keeps nothing, the waiting request runs itself as the user is after the wait', async () => {
    const first = request('/dashboard?period=quarter&quarter=3')
    expect(await servePage(first, 'a')).toBeNull()
    const { closed, open } = gate()
    const making = run(first, null, closed)
    const waiter = request('/dashboard?period=quarter&quarter=3')
    const reads = db.reads
    const second = servePage(waiter, 'b')
    expect(await settled(second)).toBe(false)
    db.user = { ...db.user, roles: ['operator'] } // his roles changed while he waited
    open()
    await making
    expect(await second).toBeNull()
    expect(db.reads - reads).toBe(2) // on arrival and again after the wait
    // its loaders see him as he is now, not as he was on arrival
    expect((await run(waiter, null))?.roles).toEqual(['operator'])
  })

  it('is never waited for by a request of nobody (no session)', async () => {
    db.user = { ...db.user, orgId: null }
    const first = request('/dashboard?period=quarter&quarter=4')
    expect(await servePage(first, 'a')).toBeNull()
    const { closed, open } = gate()
    const making = run(first, null, closed)
    const second = servePage(request('/dashboard?period=quarter&quarter=4'), 'b')
    expect(await settled(second)).toBe(true)
    open()
    await making
  })
})
