import { inject } from 'vitest'
import { gotoHydrated, launchBrowser, signIn, watchConsole } from './browser.ts'
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
    // the grid is revalidated after the action: wait for the day rather than read at once
    await page.locator('[data-day="2025-08-30"][data-status=holiday].own').waitFor()
  })

  it('shows the year as twelve month grids; a click on a day changes it, and its own day can be removed again', async () => {
    const page = await signIn(browser.context, baseUrl, 'admin', E2E_PASSWORD)
    const problems = watchConsole(page)
    await gotoHydrated(page, `${baseUrl}/calendar?year=2025`)
    const grid = page.locator('[data-testid=calendar-grid]')
    expect(await grid.locator('table.cal-month').count()).toBe(12)
    expect(await grid.locator('a.cal-day').count()).toBe(365)
    // the federal calendar: 1 January a holiday, 1 November 2025 a working Saturday, 7 March a short day
    expect(await grid.locator('[data-day="2025-01-01"]').getAttribute('data-status')).toBe('holiday')
    expect(await grid.locator('[data-day="2025-11-01"]').getAttribute('data-status')).toBe('transferred')
    expect(await grid.locator('[data-day="2025-03-07"]').getAttribute('data-status')).toBe('short')
    expect(await grid.locator('[data-day="2025-06-10"]').getAttribute('data-status')).toBe('working')
    // Tuesday 10 June becomes a regional holiday
    await grid.locator('[data-day="2025-06-10"]').click()
    const panel = page.locator('[data-testid=day-panel]')
    await panel.locator('h2', { hasText: '10.06.2025: рабочий день' }).waitFor()
    expect(await panel.locator('input[name=day]').inputValue()).toBe('10.06.2025')
    await panel.locator('select[name=kind]').selectOption('holiday')
    await panel.locator('input[name=note]').fill('Местный праздник')
    await panel.locator('button', { hasText: 'Сохранить день' }).click()
    await page.locator('.notice.ok').waitFor()
    await grid.locator('[data-day="2025-06-10"][data-status=holiday].own').waitFor()
    // and back: the own day removed, the day is a working day again
    await panel.locator('h2', { hasText: '10.06.2025: нерабочий праздничный день' }).waitFor()
    await panel.locator('[data-testid=remove-day] button').click()
    await grid.locator('[data-day="2025-06-10"][data-status=working]:not(.own)').waitFor()
    expect(problems).toEqual([])
  })
})
