/**
 * The registers (issue 16): the term columns on screen at 1440 px, sorting by any column with a stable
 * order, a page jump, and a record card whose way back keeps the list's filters, sort and page; the card
 * shows the term's verdict. Sixty appeals of 2023 are added behind the product's back (no other spec reads
 * 2023), so the list has three pages.
 */
import { inject } from 'vitest'
import { gotoHydrated, launchBrowser, sidewaysScroll, signIn, watchConsole } from './browser.ts'
import { E2E_PASSWORD } from './server.ts'

const baseUrl = inject('baseUrl')
const databaseUrl = inject('databaseUrl')
let browser: Awaited<ReturnType<typeof launchBrowser>>
beforeEach(async () => {
  browser = await launchBrowser()
})
afterEach(async () => browser?.close())

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

beforeAll(async () => {
  const org = (await sqlOnce('select id from organisation order by id limit 1')).rows[0].id
  // 60 letters of 2023, one a week-day apart; every third without an answer; offices ЦОП-01 and ПОП-02 in turn
  await sqlOnce(
    `insert into appeal (org_id, reg_number, received_at, form, topic, office_code, due_at, answered_at)
     select $1, 'E2E-' || lpad(n::text, 3, '0'), timestamptz '2023-03-01 10:00+03' + n * interval '1 day', 'post', 'other',
       case when n % 2 = 0 then 'ЦОП-01' else 'ПОП-02' end,
       timestamptz '2023-03-31 00:00+03' + n * interval '1 day',
       case when n % 3 = 0 then null else timestamptz '2023-03-10 12:00+03' + n * interval '1 day' end
     from generate_series(1, 60) n`,
    [org],
  )
})

const LIST = '/registers/appeals?period=year&year=2023'
const regNumbers = (page: import('playwright-core').Page) =>
  page.locator('[data-testid=register] tbody tr td:first-child').evaluateAll((tds) => tds.map((td) => td.textContent ?? ''))

describe('a register', () => {
  it('shows «Срок ответа» on screen, sorts by any column, jumps to a page, and the record’s way back keeps it all', async () => {
    const page = await signIn(browser.context, baseUrl, 'quality', E2E_PASSWORD)
    const problems = watchConsole(page)
    await page.setViewportSize({ width: 1440, height: 900 })
    await gotoHydrated(page, `${baseUrl}${LIST}`)
    expect(await sidewaysScroll(page)).toBe(0)
    expect(await page.textContent('[data-testid=pager]')).toContain('страница 1 из 3')
    // the term columns are among the first, inside the window
    for (const name of ['Срок ответа', 'Ответ']) {
      const box = (await page
        .locator('[data-testid=register] thead th', { hasText: new RegExp(`^${name}`) })
        .first()
        .boundingBox())!
      expect(box.x + box.width, name).toBeLessThanOrEqual(1440)
    }
    // sortable: the office, the branch, the answer, the result… (personal data is not)
    const sortable = await page.locator('[data-testid=register] thead th a').evaluateAll((as) => as.map((a) => a.textContent!.replace(/ [↑↓]$/, '')))
    expect(sortable).toEqual(expect.arrayContaining(['Рег. номер', 'Поступило', 'Срок ответа', 'Ответ', 'Результат', 'Форма', 'Офис', 'Филиал']))
    expect(sortable).not.toContain('Заявитель')
    // by office, ascending: ПОП-02's letters first («Пункт…» before «Центральный…» or by code), each office's by id
    await page.locator('[data-testid=register] thead th a', { hasText: /^Офис/ }).click()
    await page.waitForURL(/sort=office&dir=asc/)
    await page.locator('[data-testid=register] thead th[aria-sort=ascending]', { hasText: 'Офис' }).waitFor()
    const firstPage = await regNumbers(page)
    expect(firstPage).toHaveLength(25)
    // page jump: straight to the last page, and back to the first
    await page.locator('[data-testid=page-jump] input[name=page]').fill('3')
    await page.locator('[data-testid=page-jump] button').click()
    await page.waitForURL(/page=3/)
    expect(new URL(page.url()).searchParams.get('sort')).toBe('office')
    await page.locator('[data-testid=pager]', { hasText: 'страница 3 из 3' }).waitFor()
    const lastPage = await regNumbers(page)
    expect(lastPage).toHaveLength(10)
    await page.click('[data-testid=page-first]')
    await page.locator('[data-testid=pager]', { hasText: 'страница 1 из 3' }).waitFor()
    expect(await regNumbers(page)).toEqual(firstPage)
    await page.click('[data-testid=page-last]')
    await page.locator('[data-testid=pager]', { hasText: 'страница 3 из 3' }).waitFor()
    expect(await regNumbers(page)).toEqual(lastPage)
    // pages are disjoint and stable: the three pages hold the 60 letters once each
    await page.locator('[data-testid=page-prev]').click()
    await page.locator('[data-testid=pager]', { hasText: 'страница 2 из 3' }).waitFor()
    const middle = await regNumbers(page)
    expect(new Set([...firstPage, ...middle, ...lastPage]).size).toBe(60)
    const listUrl = page.url()
    // the record card and its way back
    await page.locator('[data-testid=register] tbody tr').first().locator('a').click()
    await page.locator('[data-testid=term]').waitFor()
    expect(await page.locator('[data-testid=term] .term-verdict').textContent()).toMatch(/^(Ответ дан в срок|Ответ дан с нарушением срока|Просрочено)/)
    await page.click('[data-testid=back]')
    await page.waitForURL(listUrl)
    await page.locator('[data-testid=pager]', { hasText: 'страница 2 из 3' }).waitFor()
    expect(await regNumbers(page)).toEqual(middle)
    // a foreign address in `back` is never followed
    await gotoHydrated(page, `${baseUrl}/registers/appeals/1?back=${encodeURIComponent('https://example.com/registers/appeals')}`)
    expect(await page.getAttribute('[data-testid=back]', 'href')).toBe('/registers/appeals')
    expect(problems).toEqual([])
  })
})
