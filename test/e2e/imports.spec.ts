import path from 'node:path'
import { inject } from 'vitest'
import { sample, tmpFile } from '#test/setup/files.ts'
import { launchBrowser, signIn, watchConsole } from './browser.ts'
import { E2E_PASSWORD } from './server.ts'

const baseUrl = inject('baseUrl')
let browser: Awaited<ReturnType<typeof launchBrowser>>

beforeAll(async () => {
  browser = await launchBrowser()
  await (await signIn(browser.context, baseUrl, 'operator', E2E_PASSWORD)).close()
})
afterAll(async () => browser?.close())

async function upload(kind: string, file: string, skipInvalid = false) {
  const page = await browser.context.newPage()
  const problems = watchConsole(page)
  await page.goto(`${baseUrl}/imports`)
  await page.selectOption('select[name=kind]', kind)
  await page.setInputFiles('input[name=file]', file)
  if (skipInvalid) await page.check('input[name=skipInvalid]')
  await page.click('form.upload button[type=submit]')
  await page.waitForURL(/\/imports\/\d+$/)
  await page.waitForSelector('[data-testid=status]', { timeout: 60_000 })
  return { page, problems }
}

describe('importing in the browser', () => {
  it('uploads a calls file and reads the report', async () => {
    const { page, problems } = await upload('calls', sample('calls.csv'))
    expect(await page.textContent('[data-testid=status]')).toBe('загружен')
    expect((await page.textContent('[data-testid=balance]'))?.replace(/\s+/g, ' ')).toBe('Прочитано строк: 4 = сохранено 4 + отклонено 0')
    expect(await page.textContent('[data-testid=inserted]')).toBe('4')
    await page.screenshot({ path: path.join(tmpFile('shot', ''), '..', 'import-report.png') })

    await page.click('text=Обзор данных')
    await page.waitForURL(`${baseUrl}/`)
    expect(await page.textContent('[data-log=calls] .value')).toBe('4')
    expect(problems).toEqual([])
  })

  it('a refused file shows every bad line with its reason, and nothing is stored', async () => {
    const bad = tmpFile(
      'bad-visits.csv',
      'номер_талона;код_офиса;вид_услуги;выдан;вызван\nТ-1;ЦОП-01;касса;14.03.2025 10:00;14.03.2025 09:00\nТ-2;ЦОП-01;гадание;14.03.2025 10:00;\n',
    )
    const { page, problems } = await upload('visits', bad)
    expect(await page.textContent('[data-testid=status]')).toBe('отклонён')
    expect((await page.textContent('[data-testid=balance]'))?.replace(/\s+/g, ' ')).toBe('Прочитано строк: 2 = сохранено 0 + отклонено 2')
    const rows = await page.$$eval('[data-testid=rejections] tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)))
    expect(rows).toEqual([
      // issue 16: the column as the Russian file names it, not its code
      ['2', 'вызван', '14.03.2025 09:00', 'вызов к окну раньше выдачи талона'],
      ['3', 'вид_услуги', 'гадание', expect.stringMatching(/^неизвестное значение вида услуги «гадание»/)],
    ])
    expect(await page.textContent('[data-testid=message]')).toMatch(/Файл отклонён: ошибок в строках — 2\. Ничего не сохранено/)
    expect(problems).toEqual([])
  })

  it('lists the imports in the history', async () => {
    const page = await browser.context.newPage()
    await page.goto(`${baseUrl}/imports`)
    const statuses = await page.$$eval('table tbody tr td:nth-child(5)', (tds) => tds.map((td) => td.textContent))
    // newest first; the oldest is the offices file loaded by the CLI before the server started
    expect(statuses.slice(0, 2)).toEqual(['отклонён', 'загружен'])
  })
})

describe('the user’s file name (issue 14)', () => {
  it('a name with `;` and `=` is accepted and kept, as Chromium sends it', async () => {
    const file = tmpFile('звонки; март=2025.csv', 'id_звонка;начало;линия;направление;итог\n')
    const { page } = await upload('calls', file)
    const shown = path.basename(file)
    expect(await page.textContent('main')).toContain(shown)
    await page.goto(`${baseUrl}/imports`)
    expect(await page.textContent('table tbody tr:first-child')).toContain(shown)
  })
})
