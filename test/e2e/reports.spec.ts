import fs from 'node:fs'
import ExcelJS from 'exceljs'
import { inject } from 'vitest'
import { gotoHydrated, launchBrowser, sidewaysScroll, signIn, watchConsole } from './browser.ts'
import { E2E_PASSWORD } from './server.ts'

const baseUrl = inject('baseUrl')
let browser: Awaited<ReturnType<typeof launchBrowser>>
beforeEach(async () => {
  browser = await launchBrowser()
})
afterEach(async () => browser?.close())

describe('Appendix 7', () => {
  it('shows the figures and checks, downloads the form with the same numbers, fills a section in, freezes it', async () => {
    const page = await signIn(browser.context, baseUrl, 'reporting', E2E_PASSWORD)
    const problems = watchConsole(page)
    await gotoHydrated(page, `${baseUrl}/reports/appendix-7?year=2025`)
    expect(await page.locator('h1').textContent()).toBe('Приложение 7 за 2025 год')
    expect(await page.locator('[data-testid=checks] tr[data-check]:not([data-check=data-coverage])').count()).toBe(9)
    // the sample logs hold March 2025 only: the other months are named, before any download
    expect(await page.locator('[data-testid=checks] tr[data-check=data-coverage][data-passed=no]').count()).toBeGreaterThan(0)
    expect(await page.locator('[data-testid=data-warnings]').textContent()).toContain('нет записей за месяцы январь, февраль, апрель')
    // the sample register: three appeals received in March 2025
    expect(await page.locator('[data-testid=register-rows]').textContent()).toBe('3')
    const total = page.locator('[data-testid="table-4.1"] tbody tr').first().locator('td')
    const onScreen = (await total.allTextContents()).slice(2)
    expect(
      onScreen
        .filter((v) => v !== '–')
        .map(Number)
        .filter((_, i) => i % 2 === 1)
        .reduce((a, b) => a + b, 0),
    ).toBe(3)

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=download-xlsx]')])
    expect(download.suggestedFilename()).toMatch(/^Приложение7_2025_.+\.xlsx$/) // the registry's scheme (ADR 026)
    const book = new ExcelJS.Workbook()
    await book.xlsx.readFile((await download.path())!)
    const inFile = (book.getWorksheet('4.1')!.getRow(10).values as unknown[]).slice(3).map((v) => (typeof v === 'number' ? String(v) : String(v)))
    expect(inFile).toEqual(onScreen)
    expect(book.getWorksheet('4.9')!.getRow(9).getCell(2).value).toBeTruthy()

    // a section that does not come from the logs: 4.4, one row
    await gotoHydrated(page, `${baseUrl}/reports/appendix-7/inputs?year=2025`)
    // one form and one button for every table (issue 16); numbers written the ru-RU way, read back tolerantly
    expect(await page.locator('[data-testid=inputs-form] button[type=submit]').count()).toBe(1)
    const form44 = page.locator('[data-testid="input-4.4"]')
    await form44.getByLabel('Вид обслуживания, строка 1').fill('Личный кабинет')
    await form44.getByLabel('Адрес (ссылка), строка 1').fill('https://lk.example.ru')
    const consumers = page.locator('[data-testid="input-1.1"]').getByLabel('Количество потребителей, всего, 2025', { exact: true })
    const legal = page.locator('[data-testid="input-1.1"]').getByLabel('юридические лица, 2025', { exact: true })
    // the same row code in table 1.2 stays its own field
    const points = page.locator('[data-testid="input-1.2"]').getByLabel('Точки поставки, всего, 2025', { exact: true })
    await consumers.fill('1234567.5')
    await legal.fill('12,3,4')
    await page.click('[data-testid=save-inputs]')
    // a bad number: said with its table and row, and nothing saved (4.4 neither)
    expect(await page.locator('[data-testid=input-errors]').textContent()).toContain(
      'Таблица 1.1, строка 1.2 «юридические лица», отчётный год: «12,3,4» — не число.',
    )
    // a refusal is answered 400 (issue 19 §5), which the browser reports; nothing else went wrong
    expect(problems.splice(0)).toEqual(['error: Failed to load resource: the server responded with a status of 400 (Bad Request)'])
    await legal.fill('2 500')
    await points.fill('1 000,25')
    await page.click('[data-testid=save-inputs]')
    await page.locator('[data-testid=input-saved]').waitFor()
    await gotoHydrated(page, `${baseUrl}/reports/appendix-7/inputs?year=2025`)
    expect(await consumers.inputValue()).toBe('1 234 567,5')
    expect(await legal.inputValue()).toBe('2 500')
    expect(await points.inputValue()).toBe('1 000,25')
    expect(await form44.getByLabel('Вид обслуживания, строка 1').inputValue()).toBe('Личный кабинет')
    await gotoHydrated(page, `${baseUrl}/reports/appendix-7?year=2025`)
    expect(await page.locator('[data-testid="table-4.4"] tbody tr').first().textContent()).toContain('https://lk.example.ru')

    // the PDF that is signed: a real PDF with the form's title
    const [pdf] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=download-pdf]')])
    expect(pdf.suggestedFilename()).toMatch(/^Приложение7_2025_.+\.pdf$/)
    expect(
      fs
        .readFileSync((await pdf.path())!)
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-')

    // a double click freezes once
    await page.dblclick('[data-testid=freeze]')
    await page.locator('[data-testid=no-changes]').waitFor()
    const snapshotPath = new URL(page.url()).pathname
    // the frozen report's page fits 1440 px (layout.spec.ts measures every other page)
    await page.setViewportSize({ width: 1440, height: 900 })
    expect(await sidewaysScroll(page)).toBe(0)
    const [frozen] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=snapshot-file]')])
    expect(frozen.suggestedFilename()).toBe(download.suggestedFilename())
    expect(await page.locator('[data-testid=snapshot-scope]').textContent()).toBe('вся организация')
    await gotoHydrated(page, `${baseUrl}/reports/appendix-7?year=2025`)
    expect(await page.locator('[data-testid=snapshots] tbody tr').count()).toBe(1)
    expect(problems).toEqual([])

    // issue 14: a one-branch user neither opens nor downloads the organisation's frozen report
    await browser.context.clearCookies()
    const branch = await signIn(browser.context, baseUrl, 'branchboss', E2E_PASSWORD)
    expect((await branch.request.get(`${baseUrl}${snapshotPath}/file`)).status()).toBe(404)
    expect((await branch.request.get(`${baseUrl}${snapshotPath}`)).status()).toBe(404)
    await gotoHydrated(branch, `${baseUrl}/reports/appendix-7?year=2025`)
    expect(await branch.locator('[data-testid=snapshots]').count()).toBe(0)
  })

  it('management reads the form but neither fills it in nor freezes it', async () => {
    const page = await signIn(browser.context, baseUrl, 'manager', E2E_PASSWORD)
    await gotoHydrated(page, `${baseUrl}/reports/appendix-7?year=2025`)
    expect(await page.locator('[data-testid=freeze]').count()).toBe(0)
    await gotoHydrated(page, `${baseUrl}/reports/appendix-7/inputs?year=2025`)
    expect(await page.locator('[data-testid=inputs-form] button[type=submit]').count()).toBe(0)
    expect(await page.locator('[data-testid="input-4.4"] textarea').first().isDisabled()).toBe(true)
  })
})
