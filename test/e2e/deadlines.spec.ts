import { inject } from 'vitest'
import { launchBrowser, signIn, watchConsole } from './browser.ts'
import { E2E_PASSWORD } from './server.ts'

const baseUrl = inject('baseUrl')
let browser: Awaited<ReturnType<typeof launchBrowser>>
beforeEach(async () => {
  browser = await launchBrowser()
})
afterEach(async () => browser?.close())

describe('the «Сроки» page', () => {
  it('shows compliance per rule as of a date, and each number opens the same number of records', async () => {
    const page = await signIn(browser.context, baseUrl, 'manager', E2E_PASSWORD)
    const problems = watchConsole(page)
    await page.goto(`${baseUrl}/deadlines?from=2025-04-01&to=2025-04-30&asOf=2025-05-31`)
    const row = page.locator('[data-testid=compliance] tr[data-rule=network_appeal_written]')
    const cells = await row.locator('td').allTextContents()
    // the three sample appeals are due 14.04 24:00: answered on 20.03 (on time), 20.04 (late), never (overdue)
    expect(cells.slice(1)).toEqual(['3', '1', '1', '1', '0', '33,3 %'])
    await row.locator('td').nth(3).locator('a').click()
    await page.waitForURL(/\/deadlines\/records\?/)
    expect(await page.textContent('[data-testid=total]')).toBe('1')
    expect(await page.locator('[data-testid=records] tbody td').first().textContent()).toBe('О-2025-0003')
    expect(problems).toEqual([])
  })
})

describe('deadline rules and the calendar', () => {
  it('a quality officer edits a rule; the list shows the new term', async () => {
    const page = await signIn(browser.context, baseUrl, 'quality', E2E_PASSWORD)
    const problems = watchConsole(page)
    await page.goto(`${baseUrl}/rules`)
    await page.click('text=Ответ на письменное обращение (почта, лично, интернет)')
    await page.fill('input[name=amount]', '25')
    await page.click('main button[type=submit]')
    await page.waitForURL(`${baseUrl}/rules`)
    const row = page.locator('[data-testid=rules] tr', { hasText: 'Ответ на письменное обращение (почта, лично, интернет)' })
    expect(await row.locator('td.num').textContent()).toBe('25 календарных дней')
    expect(problems).toEqual([])
  })

  it('an administrator adds a regional holiday; due dates are recomputed', async () => {
    const page = await signIn(browser.context, baseUrl, 'admin', E2E_PASSWORD)
    await page.goto(`${baseUrl}/calendar?year=2025`)
    const form = page.locator('form', { has: page.locator('input[name=intent][value=add-day]') })
    await form.locator('input[name=day]').fill('30.08.2025')
    await form.locator('input[name=note]').fill('День Республики')
    await form.locator('button[type=submit]').click()
    await page.waitForSelector('.notice.ok')
    expect(await page.textContent('.notice.ok')).toMatch(/^Сохранено\. Пересчитано сроков обращений: \d+\.$/)
    // the list is revalidated after the action: wait for the row rather than read at once
    await page.locator('[data-testid=days] td', { hasText: 'организация: День Республики' }).waitFor()
  })
})
