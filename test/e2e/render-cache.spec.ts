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
      expect(problems).toEqual([])
    } finally {
      await browser.close()
    }
  })
})
