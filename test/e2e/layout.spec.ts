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

/**
 * Every page (a route with a screen) with a URL that opens it on the e2e server; `{survey}` is a survey the
 * test makes first. A test below holds this list complete: a new page is measured, or says why it is not.
 */
const PAGES: [keyof typeof routeAccess, string][] = [
  ['_index.tsx', '/'],
  ['help.tsx', '/help'],
  ['dashboard._index.tsx', '/dashboard?period=year&year=2025'],
  ['dashboard._index.tsx', '/dashboard?period=month&year=2025&month=3&compare=year'],
  ['dashboard._index.tsx', '/dashboard?period=year&year=2025&form=post'],
  ['registers.$domain._index.tsx', '/registers/appeals?period=year&year=2025'],
  ['registers.$domain._index.tsx', '/registers/appeals?period=year&year=2025&metric=appeals.overdue'],
  ['registers.$domain._index.tsx', '/registers/calls?period=year&year=2025'],
  ['registers.$domain._index.tsx', '/registers/visits?period=year&year=2025'],
  ['registers.$domain.$id.tsx', '/registers/appeals/1'],
  ['registers.$domain.$id.tsx', '/registers/appeals/1?back=%2Fregisters%2Fappeals%3Fsort%3Doffice'],
  ['worklist._index.tsx', '/worklist'],
  ['calls.lost.tsx', '/calls/lost?from=2025-03-01&to=2025-03-31'],
  ['mail._index.tsx', '/mail'],
  ['imports._index.tsx', '/imports'],
  ['imports.$batchId.tsx', '/imports/1'],
  ['imports.formats.tsx', '/imports/formats'],
  ['imports.mappings._index.tsx', '/imports/mappings'],
  ['imports.mappings.edit.tsx', '/imports/mappings/edit?kind=appeals'],
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
  ['surveys.$surveyId._index.tsx', '/surveys/{survey}'],
  ['surveys.$surveyId.edit.tsx', '/surveys/{survey}/edit'],
  ['surveys.$surveyId.links.tsx', '/surveys/{survey}/links'],
  ['surveys.$surveyId.phone.tsx', '/surveys/{survey}/phone'],
  ['surveys.$surveyId.preview.tsx', '/surveys/{survey}/preview'],
  ['rules._index.tsx', '/rules'],
  ['rules.$ruleId.tsx', '/rules/1'],
  ['calendar._index.tsx', '/calendar?year=2025'],
  ['calendar._index.tsx', '/calendar?year=2025&day=2025-05-01'],
  ['admin.users._index.tsx', '/admin/users'],
  ['admin.users.$userId.tsx', '/admin/users/2'],
  ['admin.audit.tsx', '/admin/audit'],
  ['admin.settings.tsx', '/admin/settings'],
  ['admin.tokens.tsx', '/admin/tokens'],
]

/** Pages opened without signing in (measured in a context of their own). */
const PUBLIC_PAGES: [keyof typeof routeAccess, string][] = [
  ['login.tsx', '/login'],
  ['s.$token.tsx', '/s/{token}'],
  ['mail.unsubscribe.$token.tsx', '/mail/unsubscribe/AAAAAAAAAAAAAAAAAAAAAA'],
]

/** Pages measured elsewhere, and why. */
const ELSEWHERE: Partial<Record<keyof typeof routeAccess, string>> = {
  // it needs a frozen report, which reports.spec.ts makes and measures there
  'reports.appendix-7.snapshots.$snapshotId.tsx': 'reports.spec.ts',
}

const databaseUrl = inject('databaseUrl')
async function sqlOnce(text: string, values: unknown[] = []) {
  const pg = (await import('pg')).default
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    return await client.query(text, values)
  } finally {
    await client.end()
  }
}

/** A survey with a question of every kind and a link to it, made behind the product's back (once per run). */
let fixture: Promise<{ survey: string; token: string }> | undefined
function surveyFixture() {
  fixture ??= (async () => {
    const questions = [
      { id: 'q1', kind: 'csat', text: 'Оцените, пожалуйста, качество обслуживания', required: true },
      { id: 'q2', kind: 'nps', text: 'Насколько вероятно, что вы порекомендуете наш офис обслуживания знакомым?', required: false },
      { id: 'q3', kind: 'ces', text: 'Насколько легко было решить ваш вопрос?', required: false },
      { id: 'q4', kind: 'single', text: 'Как вы обратились к нам?', required: false, options: ['лично', 'по телефону', 'через сайт'] },
      { id: 'q5', kind: 'multi', text: 'Что вам понравилось?', required: false, options: ['вежливость', 'скорость', 'понятный ответ'] },
      { id: 'q6', kind: 'text', text: 'Что нам стоит улучшить?', required: false },
    ]
    const org = (await sqlOnce('select id from organisation order by id limit 1')).rows[0].id
    const survey = (
      await sqlOnce(
        `insert into survey (org_id, title, subject_kind, opens_on, questions) values ($1, 'Опрос для проверки вёрстки', 'organisation', '2025-01-01', $2) returning id`,
        [org, JSON.stringify(questions)],
      )
    ).rows[0].id as string
    const token = 'LayoutSpecToken0000001'
    await sqlOnce(`insert into survey_invitation (org_id, survey_id, token, single_use, delivery) values ($1, $2, $3, true, 'other')`, [org, survey, token])
    return { survey: String(survey), token }
  })()
  return fixture
}
const fill = (url: string, f: { survey: string; token: string }) => url.replace('{survey}', f.survey).replace('{token}', f.token)

const USERS = [
  { login: 'admin', roles: ['admin'] },
  { login: 'manager', roles: ['management'] },
  { login: 'quality', roles: ['quality'] },
  { login: 'reporting', roles: ['reporting'] },
  { login: 'operator', roles: ['operator'] },
  { login: 'branchboss', roles: ['management'] },
] as const

describe('every page fits its window', () => {
  it('measures every page of the product (a new page is added to the lists above)', () => {
    const measured = new Set([...PAGES, ...PUBLIC_PAGES].map(([route]) => route))
    const screens = (Object.keys(routeAccess) as (keyof typeof routeAccess)[]).filter((r) => r.endsWith('.tsx'))
    expect(screens.filter((r) => !measured.has(r) && !ELSEWHERE[r])).toEqual([])
  })

  it('1440×900 and 390×844: the pages without sign-in fit', async () => {
    const f = await surveyFixture()
    const context = await browser.context.browser()!.newContext({ locale: 'ru-RU' })
    const page = await context.newPage()
    const wide: string[] = []
    for (const size of [
      { width: 1440, height: 900 },
      { width: 390, height: 844 },
    ]) {
      await page.setViewportSize(size)
      for (const [, url] of PUBLIC_PAGES) {
        await page.goto(`${baseUrl}${fill(url, f)}`)
        const over = await sidewaysScroll(page)
        if (over > 0) wide.push(`${size.width} px ${url}: шире окна на ${over} px`)
      }
    }
    await context.close()
    expect(wide).toEqual([])
  })

  it('1440×900: no page of any role scrolls sideways, and every link of the menu and the landing page opens', async () => {
    const f = await surveyFixture()
    const wide: string[] = []
    const refused: string[] = []
    for (const user of USERS) {
      // each user in a context of its own (a signed-in context would skip the sign-in form)
      const context = await browser.context.browser()!.newContext({ locale: 'ru-RU' })
      const page = await signIn(context, baseUrl, user.login, E2E_PASSWORD)
      await page.setViewportSize({ width: 1440, height: 900 })
      for (const [route, url] of PAGES) {
        if (!hasAnyRole(user.roles, routeAccess[route])) continue
        await page.goto(`${baseUrl}${fill(url, f)}`)
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
  }, 900_000)

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
