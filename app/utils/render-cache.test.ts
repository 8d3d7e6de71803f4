import type { EntryContext } from '@remix-run/node'
import { NONCE_PLACEHOLDER, cachedRender, renderUnderWay, startRender, clearRenderCache, keepRender, renderKey, withNonce } from './render-cache.server.ts'

const get = (url = 'http://localhost/dashboard?period=year&year=2025') => new Request(url)
function context(loaderData: Record<string, unknown>, extra: Partial<EntryContext['staticHandlerContext']> = {}): EntryContext {
  return {
    serverHandoffString: '{"future":{}}',
    staticHandlerContext: {
      loaderData,
      actionData: null,
      errors: null,
      matches: [{ route: { id: 'root' } }, { route: { id: 'routes/dashboard._index' } }],
      ...extra,
    },
  } as unknown as EntryContext
}

describe('the render cache key', () => {
  it('is the same for the same address and data, and differs when either changes', () => {
    const a = renderKey(get(), 200, context({ root: { user: 'Иванова' }, page: { received: 12 } }))
    expect(a).not.toBeNull()
    expect(renderKey(get(), 200, context({ root: { user: 'Иванова' }, page: { received: 12 } }))).toBe(a)
    expect(renderKey(get(), 200, context({ root: { user: 'Иванова' }, page: { received: 13 } }))).not.toBe(a)
    expect(renderKey(get(), 200, context({ root: { user: 'Петров' }, page: { received: 12 } }))).not.toBe(a)
    expect(renderKey(get('http://localhost/dashboard?period=year&year=2024'), 200, context({ root: { user: 'Иванова' }, page: { received: 12 } }))).not.toBe(a)
  })

  it('tells apart data that JSON would confuse but a page renders differently', () => {
    const key = (page: unknown) => renderKey(get(), 200, context({ page }))
    const instant = new Date('2025-03-01T00:00:00Z')
    expect(key({ at: instant })).not.toBe(key({ at: instant.toISOString() }))
    expect(key({ share: Number.NaN })).not.toBe(key({ share: null }))
    expect(key({ share: Number.POSITIVE_INFINITY })).not.toBe(key({ share: null }))
    expect(key({ note: undefined })).not.toBe(key({}))
    expect(key([undefined])).not.toBe(key([null]))
  })

  it('keeps nothing but plain successful GET renders, and nothing it cannot see through', () => {
    expect(renderKey(new Request('http://localhost/dashboard', { method: 'POST' }), 200, context({}))).toBeNull()
    expect(renderKey(get(), 404, context({}))).toBeNull()
    expect(renderKey(get(), 200, context({}, { errors: { root: new Error('x') } }))).toBeNull()
    expect(renderKey(get(), 200, context({}, { actionData: { ok: true } }))).toBeNull()
    expect(renderKey(get(), 200, context({ page: new Map([[1, 2]]) }))).toBeNull()
    expect(renderKey(get(), 200, context({ page: Promise.resolve(1) }))).toBeNull()
  })
})

describe('kept renders', () => {
  afterEach(() => clearRenderCache())

  it('give back the HTML with each request’s own nonce', () => {
    const html = `<script nonce="${NONCE_PLACEHOLDER}">1</script><script nonce="${NONCE_PLACEHOLDER}">2</script>`
    keepRender('k', html)
    const kept = cachedRender('k')
    expect(kept).toBe(html)
    expect(withNonce(kept!, 'abc')).toBe('<script nonce="abc">1</script><script nonce="abc">2</script>')
    expect(cachedRender('other')).toBeUndefined()
  })
})

describe('renders under way', () => {
  it('a request for content being rendered waits for that render; an unshared end lets it render itself', async () => {
    expect(renderUnderWay('k1')).toBeUndefined()
    const end = startRender('k1')
    const waiting = renderUnderWay('k1')
    expect(waiting).toBeDefined()
    end('<html>один</html>')
    expect(await waiting).toBe('<html>один</html>')
    // over: the next request finds the render cache, not a render under way
    expect(renderUnderWay('k1')).toBeUndefined()
    const failed = startRender('k2')
    const other = renderUnderWay('k2')
    failed(undefined)
    failed('<html>поздно</html>') // ended once: a later end changes nothing
    expect(await other).toBeUndefined()
  })
})
