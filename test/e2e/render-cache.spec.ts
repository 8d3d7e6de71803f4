/**
 * Rendered pages are kept by their address and loader data (app/utils/render-cache.server.ts): a repeated
 * page is the same HTML with the request's own CSP nonce, and it still hydrates (scripts carry that nonce).
 */
import { inject } from 'vitest'
import { gotoHydrated, launchBrowser, signIn as signInBrowser, watchConsole } from './browser.ts'
import { E2E_PASSWORD } from './server.ts'

const baseUrl = inject('baseUrl')

async function signIn(login: string): Promise<string> {
  const body = new URLSearchParams({ login, password: E2E_PASSWORD, redirectTo: '/' })
  const response = await fetch(`${baseUrl}/login`, { method: 'POST', body, redirect: 'manual', headers: { Origin: baseUrl } })
  const cookie = response.headers.get('set-cookie')
  if (response.status !== 302 || !cookie) throw new Error(`sign-in as ${login} failed: ${response.status}`)
  return cookie.split(';')[0]!
}

const nonceOf = (csp: string | null) => /'nonce-([^']+)'/.exec(csp ?? '')?.[1]

describe('the render cache', () => {
  it('answers a repeated page with the same HTML and a fresh nonce that its scripts carry', async () => {
    const cookie = await signIn('manager')
    const url = `${baseUrl}/dashboard?period=quarter&year=2025&quarter=1`
    const pages = []
    for (let i = 0; i < 3; i++) {
      const response = await fetch(url, { headers: { Cookie: cookie } })
      expect(response.status).toBe(200)
      const nonce = nonceOf(response.headers.get('content-security-policy'))
      expect(nonce).toBeTruthy()
      const html = await response.text()
      expect(html).not.toMatch(/sqnonce[0-9a-f]{36}/)
      const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0])
      expect(scripts.length).toBeGreaterThan(0)
      for (const tag of scripts.filter((t) => !/\bsrc=/.test(t))) expect(tag).toContain(`nonce="${nonce}"`)
      pages.push({ nonce: nonce!, html })
    }
    expect(new Set(pages.map((p) => p.nonce)).size).toBe(3)
    const bare = pages.map((p) => p.html.replaceAll(p.nonce, 'N'))
    expect(bare[1]).toBe(bare[0])
    expect(bare[2]).toBe(bare[0])

    // another user's page is his own render (the header names him)
    const other = await (await fetch(url, { headers: { Cookie: await signIn('quality') } })).text()
    expect(other).not.toBe(pages[0]!.html)
  })

  it('a kept page still hydrates in the browser', async () => {
    const browser = await launchBrowser()
    try {
      const page = await signInBrowser(browser.context, baseUrl, 'manager', E2E_PASSWORD)
      const problems = watchConsole(page)
      const url = `${baseUrl}/dashboard?period=quarter&year=2025&quarter=2`
      await gotoHydrated(page, url)
      await gotoHydrated(page, url)
      // and once it is compressed: the gzipped page with its own nonce hydrates too
      await vi.waitFor(
        async () => {
          const response = await page.goto(url)
          expect(await response?.headerValue('content-encoding')).toBe('gzip')
        },
        { timeout: 5000, interval: 200 },
      )
      await page.waitForSelector('html[data-hydrated]')
      expect(problems).toEqual([])
    } finally {
      await browser.close()
    }
  })
})

describe('the page cache', () => {
  const databaseUrl = inject('databaseUrl')
  const sqlOnce = async (text: string, values: unknown[] = []) => {
    const pg = (await import('pg')).default
    const client = new pg.Client({ connectionString: databaseUrl })
    await client.connect()
    try {
      return await client.query(text, values)
    } finally {
      await client.end()
    }
  }
  const page = (url: string, cookie: string) => fetch(`${baseUrl}${url}`, { headers: { Cookie: cookie }, redirect: 'manual' })

  it('answers a repeated page from the cache, with the same HTML and the request’s own nonce', async () => {
    const cookie = await signIn('manager')
    const url = '/registers/appeals?period=year&year=2025'
    const first = await page(url, cookie)
    const firstHtml = await first.text()
    expect(first.headers.get('x-page-cache')).toBeNull()
    // the page is kept just after it is answered
    await new Promise((r) => setTimeout(r, 300))
    const second = await page(url, cookie)
    expect(second.headers.get('x-page-cache')).toBe('hit')
    expect(second.headers.get('cache-control')).toContain('no-store')
    const nonce = nonceOf(second.headers.get('content-security-policy'))!
    const html = await second.text()
    expect(html).toContain(`nonce="${nonce}"`)
    expect(html.replaceAll(nonce, 'N')).toBe(firstHtml.replaceAll(nonceOf(first.headers.get('content-security-policy'))!, 'N'))

    // the same user in another session (a second device) gets it too; another user never does
    const again = await page(url, await signIn('manager'))
    expect(again.headers.get('x-page-cache')).toBe('hit')
    await again.text()
    const other = await page(url, await signIn('reporting'))
    expect(other.headers.get('x-page-cache')).toBeNull()
    expect(await other.text()).toContain('Пользователь reporting')
  })

  it('answers a kept page gzipped to a client that takes gzip, with its own nonce, and plain to one that does not', async () => {
    const http = await import('node:http')
    const zlib = await import('node:zlib')
    const cookie = await signIn('manager')
    const url = '/dashboard?period=quarter&year=2025&quarter=3'
    const first = await page(url, cookie)
    const plain = (await first.text()).replaceAll(nonceOf(first.headers.get('content-security-policy'))!, 'N')
    // raw bytes, as they travel (fetch would inflate them itself)
    const get = (encoding: string, site?: string) =>
      new Promise<{ headers: import('node:http').IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
        const headers = { Cookie: cookie, 'Accept-Encoding': encoding, ...(site ? { 'Sec-Fetch-Site': site } : {}) }
        const request = http.get(`${baseUrl}${url}`, { headers }, (response) => {
          const chunks: Buffer[] = []
          response.on('data', (c: Buffer) => chunks.push(c))
          response.on('end', () => resolve({ headers: response.headers, body: Buffer.concat(chunks) }))
        })
        request.on('error', reject)
      })
    // kept at once, compressed in the thread pool a moment later
    await vi.waitFor(async () => expect((await get('gzip, deflate, br')).headers['content-encoding']).toBe('gzip'), { timeout: 5000, interval: 200 })
    const nonces = new Set<string>()
    for (const site of [undefined, 'same-origin', 'none']) {
      const zipped = await get('gzip, deflate, br', site)
      expect(zipped.headers['x-page-cache']).toBe('hit')
      expect(zipped.headers.vary).toContain('Accept-Encoding')
      const nonce = nonceOf(String(zipped.headers['content-security-policy']))!
      nonces.add(nonce)
      expect(zipped.body.length).toBeLessThan(Buffer.byteLength(plain) / 4)
      const html = zlib.gunzipSync(zipped.body).toString()
      expect(html).toContain(`nonce="${nonce}"`)
      expect(html.replaceAll(nonce, 'N')).toBe(plain)
    }
    expect(nonces.size).toBe(3)
    // plain to a client without gzip, and to a request another site started (no size oracle for it: BREACH)
    for (const [encoding, site] of [['identity'], ['gzip;q=0'], [''], ['gzip, deflate, br', 'cross-site'], ['gzip, deflate, br', 'same-site']]) {
      const bare = await get(encoding!, site)
      expect(bare.headers['x-page-cache']).toBe('hit')
      expect(bare.headers['content-encoding'], encoding).toBeUndefined()
      expect(bare.body.toString().replaceAll(nonceOf(String(bare.headers['content-security-policy']))!, 'N')).toBe(plain)
    }
  })

  it('answers requests for a page already being made for the same user from that one run', async () => {
    const cookie = await signIn('manager')
    // pages of this address were kept before (another period): requests for it may wait for one another
    const warm = '/registers/calls?period=year&year=2025'
    await vi.waitFor(
      async () => {
        const response = await page(warm, cookie)
        await response.text()
        expect(response.headers.get('x-page-cache')).toBe('hit')
      },
      { timeout: 10_000, interval: 200 },
    )
    // six at once: one of them runs the loaders and the render, the five others are answered from what it kept.
    // Other test files write to the same server meanwhile; a write during the run keeps nothing (rightly), so up
    // to three months are tried — without waiting for the run, none of the six would ever be a hit
    let hits = 0
    for (let month = 1; month <= 3 && hits !== 5; month++) {
      const url = `/registers/calls?period=month&year=2025&month=${month}`
      const answers = await Promise.all(Array.from({ length: 6 }, () => page(url, cookie)))
      const texts = await Promise.all(answers.map(async (a) => (await a.text()).replaceAll(nonceOf(a.headers.get('content-security-policy'))!, 'N')))
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200])
      expect(new Set(texts).size).toBe(1)
      hits = answers.filter((a) => a.headers.get('x-page-cache') === 'hit').length
    }
    expect(hits).toBe(5)
    // another user's request at the same moment is never answered with that page
    const reporting = await signIn('reporting')
    const next = '/registers/calls?period=quarter&year=2025&quarter=4'
    const [mine, theirs] = await Promise.all([page(next, cookie), page(next, reporting)])
    expect(theirs.headers.get('x-page-cache')).toBeNull()
    expect(await theirs.text()).toContain('Пользователь reporting')
    expect(await mine.text()).not.toContain('Пользователь reporting')
  })

  it('keeps every page that opts in, also one whose data the render cache cannot key (Appendix 7)', async () => {
    const cookie = await signIn('manager')
    for (const url of ['/', '/dashboard?period=year&year=2025', '/deadlines', '/reports/appendix-7?year=2025']) {
      await (await page(url, cookie)).text()
      await new Promise((r) => setTimeout(r, 300))
      const again = await page(url, cookie)
      expect(await again.text()).toContain('</html>')
      expect(again.headers.get('x-page-cache'), url).toBe('hit')
    }
  })

  it('is not answered after any change of the data, a change of the user, or signing out', async () => {
    await sqlOnce(
      `insert into app_user (org_id, login, full_name, password_hash, roles, all_branches)
       select org_id, 'pagecache', 'Проверка кэша', password_hash, roles, all_branches from app_user where login = 'manager'
       on conflict do nothing`,
    )
    const cookie = await signIn('pagecache')
    const url = '/dashboard?period=year&year=2025'
    const warm = async () => {
      await (await page(url, cookie)).text()
      await new Promise((r) => setTimeout(r, 300))
      const again = await page(url, cookie)
      await again.text()
      return again.headers.get('x-page-cache')
    }
    expect(await warm()).toBe('hit')

    // a change of a watched table (here one that changes nothing visible) moves the data generation
    await sqlOnce(`update organisation set name = name`)
    const afterChange = await page(url, cookie)
    await afterChange.text()
    expect(afterChange.headers.get('x-page-cache')).toBeNull()

    // the user's roles change (another menu, another right to personal data): a fresh page
    expect(await warm()).toBe('hit')
    await sqlOnce(`update app_user set roles = '{operator}' where login = 'pagecache'`)
    const afterRole = await page(url, cookie)
    await afterRole.text()
    expect(afterRole.headers.get('x-page-cache')).toBeNull()
    await sqlOnce(`update app_user set roles = '{management}' where login = 'pagecache'`)

    // the user is disabled: the guard answers (to the sign-in page), not the kept page
    expect(await warm()).toBe('hit')
    await sqlOnce(`update app_user set disabled = true where login = 'pagecache'`)
    const afterDisable = await page(url, cookie)
    expect(afterDisable.headers.get('x-page-cache')).toBeNull()
    expect(afterDisable.status).toBe(302)
    await sqlOnce(`update app_user set disabled = false where login = 'pagecache'`)

    // signed out: the copied cookie opens nothing
    expect(await warm()).toBe('hit')
    expect((await fetch(`${baseUrl}/logout`, { method: 'POST', redirect: 'manual', headers: { Cookie: cookie, Origin: baseUrl } })).status).toBe(302)
    const afterLogout = await page(url, cookie)
    expect(afterLogout.headers.get('x-page-cache')).toBeNull()
    expect(afterLogout.status).toBe(302)
  })
})
