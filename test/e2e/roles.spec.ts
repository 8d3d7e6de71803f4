import { inject } from 'vitest'
import { tmpFile } from '#test/setup/files.ts'
import { launchBrowser, signIn, watchConsole } from './browser.ts'
import { E2E_PASSWORD } from './server.ts'

const baseUrl = inject('baseUrl')
let browser: Awaited<ReturnType<typeof launchBrowser>>
beforeEach(async () => {
  browser = await launchBrowser()
})
afterEach(async () => browser?.close())

const navLinks = (page: import('playwright-core').Page) => page.$$eval('header nav a', (links) => links.map((a) => a.textContent))

describe('each role sees what it may', () => {
  it('signed out: every page leads to sign-in, and back after it', async () => {
    const page = await browser.context.newPage()
    await page.goto(`${baseUrl}/imports`)
    expect(new URL(page.url()).pathname).toBe('/login')
    await page.fill('input[name=login]', 'manager')
    await page.fill('input[name=password]', E2E_PASSWORD)
    await page.click('button[type=submit]')
    await page.waitForURL(`${baseUrl}/imports`)
  })

  it.each([
    [
      'admin',
      [
        'Обзор данных',
        'Показатели',
        'Журналы',
        'Загрузка данных',
        'Сроки',
        'Список дел',
        'Отчёты',
        'Опросы',
        'Правила сроков',
        'Календарь',
        'Пользователи',
        'Организация',
        'Токены',
        'Журнал аудита',
        'Почта',
      ],
    ],
    ['manager', ['Обзор данных', 'Показатели', 'Журналы', 'Загрузка данных', 'Сроки', 'Список дел', 'Отчёты', 'Опросы', 'Почта']],
    ['quality', ['Обзор данных', 'Показатели', 'Журналы', 'Загрузка данных', 'Сроки', 'Список дел', 'Отчёты', 'Опросы', 'Правила сроков', 'Почта']],
    ['reporting', ['Обзор данных', 'Показатели', 'Журналы', 'Загрузка данных', 'Сроки', 'Список дел', 'Отчёты', 'Опросы', 'Почта']],
    ['operator', ['Обзор данных', 'Показатели', 'Журналы', 'Загрузка данных', 'Сроки', 'Опросы', 'Почта']],
  ])('%s: the menu', async (login, links) => {
    const page = await signIn(browser.context, baseUrl, login, E2E_PASSWORD)
    const problems = watchConsole(page)
    expect(await navLinks(page)).toEqual(links)
    await page.goto(`${baseUrl}/imports`)
    expect(await page.locator('form.upload').count()).toBe(login === 'operator' || login === 'admin' ? 1 : 0)
    await page.goto(`${baseUrl}/admin/users`)
    expect(await page.locator('h1').textContent()).toBe(login === 'admin' ? 'Пользователи' : 'Недостаточно прав')
    expect(problems.filter((p) => !p.includes('403'))).toEqual([])
  })

  it('a branch manager sees her branch only', async () => {
    const page = await signIn(browser.context, baseUrl, 'branchboss', E2E_PASSWORD)
    expect(await page.textContent('[data-testid=scope-note]')).toMatch(/Показаны данные ваших филиалов: Северные ЭС/)
    expect(await page.textContent('.tile:last-child .value')).toBe('1') // one office of two
  })

  it('personal data is masked for a manager and shown to an operator', async () => {
    const phone = `+7 916 123-45-67 ${'доб. 1 '.repeat(1500)}`
    const file = tmpFile('pd.csv', `reg_number;received_at;form;topic;phone\nП-1;14.03.2025;почта;прочее;${phone}\n`)
    const operator = await signIn(browser.context, baseUrl, 'operator', E2E_PASSWORD)
    await operator.goto(`${baseUrl}/imports`)
    await operator.selectOption('select[name=kind]', 'appeals')
    await operator.setInputFiles('input[name=file]', file)
    await operator.click('form.upload button[type=submit]')
    await operator.waitForURL(/\/imports\/\d+$/)
    await operator.waitForSelector('[data-testid=rejections]')
    const url = operator.url()
    const cell = '[data-testid=rejections] tbody tr td:nth-child(3)'
    expect(await operator.textContent(cell)).toMatch(/^\+7 916 123-45-67 доб/)
    await browser.close()

    browser = await launchBrowser()
    const manager = await signIn(browser.context, baseUrl, 'manager', E2E_PASSWORD)
    await manager.goto(url)
    const masked = await manager.textContent(cell)
    expect(masked).toMatch(/^\+•{8}/)
    expect(masked).not.toContain('916')
    const csv = await (await manager.request.get(`${url}/rejections.csv`)).text()
    expect(csv).not.toContain('916')
  })

  it('the administrator reads the audit log: sign-ins, failed ones, imports, exports, user changes', async () => {
    const failed = await browser.context.newPage()
    await failed.goto(`${baseUrl}/login`)
    await failed.fill('input[name=login]', 'manager')
    await failed.fill('input[name=password]', 'not-the-password')
    await failed.click('button[type=submit]')
    await failed.waitForSelector('[role=alert]')
    expect(await failed.textContent('[role=alert]')).toBe('Неверный логин или пароль.')
    const page = await signIn(browser.context, baseUrl, 'admin', E2E_PASSWORD)
    const actionsOn = async (url: string) => {
      await page.goto(url)
      return page.$$eval('[data-testid=audit] td[data-action]', (tds) => tds.map((td) => td.getAttribute('data-action')))
    }
    expect(await actionsOn(`${baseUrl}/admin/audit`)).toEqual(expect.arrayContaining(['login', 'login.failed', 'import', 'export']))
    const last = await page.$$eval('.pager span', (s) => s.map((x) => x.textContent ?? ''))
    const pages = Number(/из (\d+)/.exec(last[0] ?? '')?.[1] ?? '1')
    expect(await actionsOn(`${baseUrl}/admin/audit?page=${pages}`)).toContain('user.create')
    // the password of the failed attempt is nowhere in the log
    expect(await page.content()).not.toContain('not-the-password')
  })
})
