/**
 * Every page of every role fits a 1440×900 window (nothing scrolls sideways, the header's «Выйти» on
 * screen); the cockpit, the landing page and the survey page (surveys.spec.ts) fit a 390×844 phone; the
 * pending state shows while a filter's new figures are on their way; links lead only where the role may go.
 */
import { inject } from 'vitest'
import { hasAnyRole, routeAccess } from '#app/utils/access.ts'
import { gotoHydrated, launchBrowser, sidewaysScroll, signIn, watchConsole } from './browser.ts'
import { E2E_PASSWORD } from './server.ts'

const baseUrl = inject('baseUrl')
let browser: Awaited<ReturnType<typeof launchBrowser>>
beforeEach(async () => {
  browser = await launchBrowser()
})
afterEach(async () => browser?.close())

/** Every page (a route with a screen) with a URL that opens it on the e2e server. */
const PAGES: [keyof typeof routeAccess, string][] = [
  ['_index.tsx', '/'],
  ['dashboard._index.tsx', '/dashboard?period=year&year=2025'],
  ['dashboard._index.tsx', '/dashboard?period=month&year=2025&month=3&compare=year'],
  ['registers.$domain._index.tsx', '/registers/appeals?period=year&year=2025'],
  ['registers.$domain._index.tsx', '/registers/calls?period=year&year=2025'],
  ['registers.$domain._index.tsx', '/registers/visits?period=year&year=2025'],
  ['registers.$domain.$id.tsx', '/registers/appeals/1'],
  ['imports._index.tsx', '/imports'],
  ['imports.$batchId.tsx', '/imports/1'],
  ['deadlines._index.tsx', '/deadlines'],
  ['deadlines.records.tsx', '/deadlines/records?outcome=overdue'],
  ['deadlines.norms.$ruleId.tsx', '/deadlines/norms/3'],
  ['reports._index.tsx', '/reports'],
  ['reports.appendix-7._index.tsx', '/reports/appendix-7?year=2025'],
  ['reports.appendix-7.checks.$checkId.tsx', '/reports/appendix-7/checks/form-and-outcome?year=2025'],
  ['reports.appendix-7.inputs.tsx', '/reports/appendix-7/inputs?year=2025'],
  ['reports.policies.tsx', '/reports/policies'],
  ['reports.supplier-standard._index.tsx', '/reports/supplier-standard?year=2025'],
  ['surveys._index.tsx', '/surveys'],
  ['surveys.new.tsx', '/surveys/new'],
  ['rules._index.tsx', '/rules'],
  ['rules.$ruleId.tsx', '/rules/1'],
  ['calendar._index.tsx', '/calendar?year=2025'],
  ['admin.users._index.tsx', '/admin/users'],
  ['admin.users.$userId.tsx', '/admin/users/2'],
  ['admin.audit.tsx', '/admin/audit'],
  ['admin.settings.tsx', '/admin/settings'],
]

const USERS = [
  { login: 'admin', roles: ['admin'] },
  { login: 'manager', roles: ['management'] },
  { login: 'quality', roles: ['quality'] },
  { login: 'reporting', roles: ['reporting'] },
  { login: 'operator', roles: ['operator'] },
  { login: 'branchboss', roles: ['management'] },
] as const

describe('every page fits its window', () => {
  it('1440×900: no page of any role scrolls sideways, and every link of the menu and the landing page opens', async () => {
    const wide: string[] = []
    const refused: string[] = []
    for (const user of USERS) {
      // each user in a context of its own (a signed-in context would skip the sign-in form)
      const context = await browser.context.browser()!.newContext({ locale: 'ru-RU' })
      const page = await signIn(context, baseUrl, user.login, E2E_PASSWORD)
      await page.setViewportSize({ width: 1440, height: 900 })
      for (const [route, url] of PAGES) {
        if (!hasAnyRole(user.roles, routeAccess[route])) continue
        await page.goto(`${baseUrl}${url}`)
        const over = await sidewaysScroll(page)
        if (over > 0) wide.push(`${user.login} ${url}: шире окна на ${over} px`)
      }
      // «Выйти» is on screen
      await page.goto(`${baseUrl}/`)
      const box = await page.getByRole('button', { name: 'Выйти' }).boundingBox()
      if (!box || box.x + box.width > 1440) wide.push(`${user.login}: «Выйти» за краем окна`)
      // every link of the menu and of the landing page leads to a page the role may open
      const links = await page
        .locator('header.top nav a, main a[href^="/"]')
        .evaluateAll((as) => [...new Set(as.map((a) => (a as HTMLAnchorElement).getAttribute('href')!))])
      for (const href of links) {
        const response = await page.request.get(`${baseUrl}${href}`, { maxRedirects: 0 })
        if (response.status() === 403) refused.push(`${user.login}: ${href} → 403`)
      }
      await context.close()
    }
    expect(wide).toEqual([])
    expect(refused).toEqual([])
  })

  it('390×844: the landing page and the cockpit fit a phone', async () => {
    const page = await signIn(browser.context, baseUrl, 'manager', E2E_PASSWORD)
    const problems = watchConsole(page)
    await page.setViewportSize({ width: 390, height: 844 })
    for (const url of [
      '/',
      '/dashboard?period=year&year=2025',
      '/dashboard?period=quarter&year=2025&quarter=1',
      '/dashboard?period=month&year=2025&month=3&form=post',
    ]) {
      await gotoHydrated(page, `${baseUrl}${url}`)
      expect({ url, over: await sidewaysScroll(page) }).toEqual({ url, over: 0 })
    }
    const other = await browser.context.browser()!.newContext({ locale: 'ru-RU' })
    const branch = await signIn(other, baseUrl, 'branchboss', E2E_PASSWORD)
    await branch.setViewportSize({ width: 390, height: 844 })
    await gotoHydrated(branch, `${baseUrl}/dashboard?period=year&year=2025`)
    expect(await sidewaysScroll(branch)).toBe(0)
    await other.close()
    expect(problems).toEqual([])
  })
})

describe('the cockpit', () => {
  it('dims the old figures and says «обновляется…» until the new ones arrive', async () => {
    const page = await signIn(browser.context, baseUrl, 'manager', E2E_PASSWORD)
    const problems = watchConsole(page)
    await gotoHydrated(page, `${baseUrl}/dashboard?period=year&year=2025`)
    expect(await page.locator('[data-testid=pending]').count()).toBe(0)
    // the new figures take a second to come
    let release: () => void = () => {}
    const held = new Promise<void>((resolve) => (release = resolve))
    // single fetch asks for `/dashboard.data?…` (the figures themselves come from the caches in milliseconds)
    await page.route(/\/dashboard\.data\?|\/dashboard\?.*_data=/, async (route) => {
      await held
      await route.continue()
    })
    const filter = page.locator('[data-testid=view-filter]')
    await filter.locator('select[name=form]').selectOption('post')
    await filter.locator('button[type=submit]').click()
    await page.locator('[data-testid=pending]').waitFor()
    expect(await page.textContent('[data-testid=pending]')).toBe('обновляется…')
    expect(await page.locator('main.pending[aria-busy=true]').count()).toBe(1)
    release()
    await page.locator('[data-testid=calls-na]').waitFor()
    await page.locator('[data-testid=pending]').waitFor({ state: 'detached' })
    expect(await page.locator('main.pending').count()).toBe(0)
    expect(problems).toEqual([])
  })

  it('shows the norms worst first, compares with the previous period, and says when a choice contradicts itself', async () => {
    const page = await signIn(browser.context, baseUrl, 'manager', E2E_PASSWORD)
    await gotoHydrated(page, `${baseUrl}/dashboard?period=month&year=2025&month=3`)
    const verdicts = await page.locator('[data-testid=cockpit-norms] .norm').evaluateAll((ns) => ns.map((n) => n.getAttribute('data-verdict')))
    expect(verdicts.length).toBeGreaterThan(0)
    const order: Record<string, number> = { broken: 0, met: 1, no_data: 2 }
    const ranks = verdicts.map((v) => order[v ?? ''] ?? 3)
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b))
    // February has no appeals: «нет данных», never «0 (—)»
    const received = (await page.textContent('[data-metric="appeals.received"] [data-testid=compare]'))!
    expect(received).toBe('пред. период: нет данных')
    expect(await page.textContent('main')).not.toContain('0 (—)')
    // the office list follows the branch
    const filter = page.locator('[data-testid=view-filter]')
    const allOffices = await filter.locator('select[name=office] option').count()
    const branchId = await filter.locator('select[name=branch] option').nth(1).getAttribute('value')
    await filter.locator('select[name=branch]').selectOption(branchId!)
    expect(await filter.locator('select[name=office] option').count()).toBeLessThan(allOffices)
    // only the fields of the chosen period kind
    expect(await filter.locator('select[name=month]').isVisible()).toBe(true)
    expect(await filter.locator('select[name=quarter]').isVisible()).toBe(false)
    expect(await filter.locator('input[name=from]').isVisible()).toBe(false)
    // an office of another branch: said in words, no zeros
    const otherOffice = await (async () => {
      await gotoHydrated(page, `${baseUrl}/dashboard?period=year&year=2025`)
      const options = await filter.locator('select[name=office] option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value).filter(Boolean))
      for (const office of options) {
        await gotoHydrated(page, `${baseUrl}/dashboard?period=year&year=2025&branch=${branchId}&office=${encodeURIComponent(office)}`)
        if (await page.locator('[data-testid=contradiction]').count()) return office
      }
      return null
    })()
    expect(otherOffice).not.toBeNull()
    expect(await page.textContent('[data-testid=contradiction]')).toMatch(/не относится к филиалу/)
    expect(await page.locator('[data-metric]').count()).toBe(0)
  })

  it('a branch user’s «все» is «все мои филиалы»; a saved view is a link', async () => {
    const page = await signIn(browser.context, baseUrl, 'branchboss', E2E_PASSWORD)
    await gotoHydrated(page, `${baseUrl}/dashboard?period=year&year=2025`)
    expect(await page.locator('select[name=branch] option').first().textContent()).toBe('все мои филиалы')
    await page.getByLabel('Название вида').fill('Мой год')
    await page.getByRole('button', { name: 'Сохранить вид' }).click()
    const saved = page.locator('[data-testid=saved-views] a', { hasText: 'Мой год' })
    await saved.waitFor()
    expect(await saved.getAttribute('href')).toBe('/dashboard?period=year&year=2025')
  })
})
