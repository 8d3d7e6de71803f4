import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { type BrowserContext, type Page, chromium } from 'playwright-core'

/** Debian's Chromium through playwright-core; no browser is downloaded. */
export async function launchBrowser(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'sq-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    acceptDownloads: true,
    locale: 'ru-RU',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-sync',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-quic',
    ],
  })
  return {
    context,
    async close() {
      await context.close()
      fs.rmSync(profile, { recursive: true, force: true })
    },
  }
}

/** Console errors and failed requests of a page: a clean page has none. */
export function watchConsole(page: Page): string[] {
  const problems: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`)
  })
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`))
  return problems
}

/** Signs in through the real form and returns the page on the home screen. */
export async function signIn(context: BrowserContext, baseUrl: string, login: string, password: string): Promise<Page> {
  const page = await context.newPage()
  await page.goto(`${baseUrl}/login`)
  await page.fill('input[name=login]', login)
  await page.fill('input[name=password]', password)
  await page.click('button[type=submit]')
  await page.waitForURL(`${baseUrl}/`)
  // a client-side redirect changes the URL before the signed-in header renders: wait for the header
  await page.waitForSelector('[data-testid=user]')
  return page
}

/** Opens a page and waits until React has hydrated it (before that, a changed form field is reset). */
export async function gotoHydrated(page: Page, url: string): Promise<void> {
  await page.goto(url)
  await page.waitForSelector('html[data-hydrated]')
}

/** How far the page scrolls sideways (0: it fits its window). */
export async function sidewaysScroll(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
}
