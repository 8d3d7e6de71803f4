import { metricCatalog } from '#reports/metrics/catalog.ts'
import ExcelJS from 'exceljs'
import { inject } from 'vitest'
import { gotoHydrated, launchBrowser, signIn, watchConsole } from './browser.ts'
import { E2E_PASSWORD } from './server.ts'

const baseUrl = inject('baseUrl')
let browser: Awaited<ReturnType<typeof launchBrowser>>
beforeEach(async () => {
  browser = await launchBrowser()
})
afterEach(async () => browser?.close())

const tileValue = async (page: import('playwright-core').Page, metric: string) => (await page.locator(`[data-metric="${metric}"] .value`).textContent())?.trim()

describe('the dashboard', () => {
  it('filters, drills from a figure to its records, and downloads the view with the same numbers', async () => {
    const page = await signIn(browser.context, baseUrl, 'manager', E2E_PASSWORD)
    const problems = watchConsole(page)
    await gotoHydrated(page, `${baseUrl}/dashboard?period=month&year=2025&month=3`)
    expect(await page.locator('svg.recharts-surface').count()).toBeGreaterThan(0)
    // charts are in the server's HTML, drawn once per content (chart-markup.server.ts); hydrated as they are, then
    // drawn live in their place (no static copy left, no hydration error: `problems` below)
    const html = await (await page.request.get(`${baseUrl}/dashboard?period=month&year=2025&month=3`)).text()
    expect(html).toMatch(/<div data-chart="[^"]+"><div class="recharts-wrapper"/)
    expect(await page.locator('[data-chart]').count()).toBe(0)
    const all = Number(await tileValue(page, 'appeals.received'))
    expect(all).toBe(3) // the sample register: three appeals received in March 2025

    // the filter bar: form «почта»
    const filter = page.locator('[data-testid=view-filter]')
    await filter.locator('select[name=form]').selectOption('post')
    await filter.locator('button[type=submit]').click()
    await page.waitForURL(/form=post/)
    // the page is rendered after the URL changes: wait for the filtered figure
    await page.locator('[data-testid=calls-na]').waitFor()
    expect(await tileValue(page, 'appeals.received')).toBe('1')
    expect(await page.textContent('[data-testid=calls-na]')).toBe('Звонки относятся к форме «телефон».')

    // drill down: the tile opens exactly its records
    await gotoHydrated(page, `${baseUrl}/dashboard?period=month&year=2025&month=3`)
    await page.click('[data-metric="appeals.received"] .value a')
    await page.locator('[data-testid=register-what]').waitFor()
    expect(page.url()).toMatch(/\/registers\/appeals\?.*metric=appeals.received/)
    expect(await page.locator('[data-testid=register] tbody tr').count()).toBe(all)
    expect(await page.textContent('[data-testid=register-what]')).toContain('Поступило обращений')
    // masked for management: no applicant name in the clear
    expect(await page.textContent('[data-testid=register]')).not.toContain('Иванов Иван Иванович')
    // a record's details
    await page.locator('[data-testid=register] tbody tr').first().locator('a').click()
    await page.locator('[data-testid=record]').waitFor()
    // the record remembers the figure's list it was opened from (issue 16)
    expect(page.url()).toMatch(/\/registers\/appeals\/\d+\?back=/)
    expect(new URL(page.url()).searchParams.get('back')).toMatch(/^\/registers\/appeals\?.*metric=appeals\.received/)
    expect(await page.textContent('[data-testid=record]')).toContain('Рег. номер')

    // the view as XLSX: the same figure, definitions and «О файле»
    await page.goto(`${baseUrl}/dashboard?period=month&year=2025&month=3`)
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=download]')])
    const book = new ExcelJS.Workbook()
    await book.xlsx.readFile((await download.path())!)
    const figures = book.getWorksheet('Показатели')!
    const row = figures.getRows(1, figures.rowCount)!.find((r) => r.getCell(2).value === metricCatalog['appeals.received'].label)!
    expect(row.getCell(3).value).toBe(all)
    expect(book.getWorksheet('Определения')!.getColumn(1).values).toContain(metricCatalog['appeals.received'].label)
    const about = Object.fromEntries(
      book
        .getWorksheet('О файле')!
        .getSheetValues()
        .slice(2)
        .map((r) => [(r as string[])[1], (r as string[])[2]]),
    )
    expect(about['Период']).toContain('март 2025')
    expect(about['Сформировал']).toContain('(manager)')
    expect(problems).toEqual([])
  })

  it('downloads a register with every record; an operator sees personal data', async () => {
    const page = await signIn(browser.context, baseUrl, 'operator', E2E_PASSWORD)
    await page.goto(`${baseUrl}/registers/appeals?period=month&year=2025&month=3&sort=reg_number&dir=asc`)
    expect(await page.textContent('[data-testid=register]')).toContain('Иванов Иван Иванович')
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=download]')])
    const book = new ExcelJS.Workbook()
    await book.xlsx.readFile((await download.path())!)
    const sheet = book.getWorksheet('Записи')!
    expect(sheet.getRow(1).getCell(1).value).toBe('Рег. номер')
    expect(sheet.rowCount - 1).toBe(await page.locator('[data-testid=register] tbody tr').count())
    const regNumbers = sheet.getColumn(1).values.slice(2)
    expect(regNumbers).toEqual(expect.arrayContaining(['О-2025-0001', 'О-2025-0002', 'О-2025-0003']))
  })
})
