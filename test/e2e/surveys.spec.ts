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

const tileValue = (page: import('playwright-core').Page, metric: string) =>
  page.locator(`[data-testid=survey-tiles] [data-metric="${metric}"] .value`).textContent()

describe('a survey from building to results', () => {
  it('a quality officer builds it, a consumer answers from a link on a phone, the answer is counted, the link is used up', async () => {
    const officer = await signIn(browser.context, baseUrl, 'quality', E2E_PASSWORD)
    const problems = watchConsole(officer)
    await gotoHydrated(officer, `${baseUrl}/surveys/new`)
    await officer.getByLabel('Название').fill('Опрос после обращения')
    // one more question: a single choice
    await officer.getByLabel('Вид нового вопроса').selectOption('single')
    await officer.click('[data-testid=add-question]')
    await officer.getByLabel('Текст вопроса 5').fill('Как вы обратились?')
    await officer.getByLabel('Варианты ответа на вопрос 5').fill('лично\nпо телефону\nчерез сайт')
    await officer.locator('[data-testid=survey-editor] button[type=submit]').click()
    await officer.waitForURL(/\/surveys\/\d+$/)
    // the URL changes before the page renders (client-side navigation)
    await officer.locator('h1', { hasText: 'Опрос после обращения' }).waitFor()
    const surveyUrl = officer.url()

    // the respondent preview (issue 16): the consumer's form from the definition, read-only, reached from the survey page
    await officer.click('[data-testid=preview-link]')
    const preview = officer.locator('[data-testid=survey-preview]')
    await preview.waitFor()
    expect(await preview.locator('h1').textContent()).toBe('Опрос после обращения')
    expect(await preview.locator('fieldset.question').count()).toBe(5)
    expect(await preview.locator('fieldset.question').nth(4).textContent()).toContain('через сайт')
    expect(await preview.getByRole('button', { name: 'Отправить ответ' }).isDisabled()).toBe(true)
    expect(await preview.getByLabel('через сайт').isDisabled()).toBe(true)
    expect(await officer.locator('header.top').count()).toBe(0)
    await officer.setViewportSize({ width: 390, height: 844 })
    expect(await sidewaysScroll(officer)).toBe(0)
    await officer.setViewportSize({ width: 1440, height: 900 })
    await officer.click('[data-testid=preview-strip] a')
    await officer.locator('h1', { hasText: 'Опрос после обращения' }).waitFor()

    await gotoHydrated(officer, `${surveyUrl}/links`)
    expect(await officer.locator('[data-testid=qr-sheet] .qr-card svg').count()).toBeGreaterThan(0)
    await officer.getByLabel('Как передать').first().selectOption('sms')
    await officer.click('[data-testid=create-link]')
    const link = (await officer.locator('[data-testid=link-created] a').getAttribute('href'))!
    expect(link).toMatch(/\/s\/[A-Za-z0-9_-]{22}$/)

    // the consumer: a phone-sized window, not signed in
    const consumerContext = await browser.context.browser()!.newContext({ viewport: { width: 390, height: 844 }, locale: 'ru-RU' })
    const consumer = await consumerContext.newPage()
    const consumerProblems = watchConsole(consumer)
    await gotoHydrated(consumer, link)
    // it fits a 390-px phone: nothing scrolls sideways
    expect(await sidewaysScroll(consumer)).toBe(0)
    expect(await consumer.locator('header.top').count()).toBe(0)
    expect(await consumer.locator('h1').textContent()).toBe('Опрос после обращения')
    // sent without the required score: the server says what is missing, in Russian
    await consumer.getByRole('button', { name: 'Отправить ответ' }).click()
    await consumer.locator('[data-testid=survey-errors]').waitFor()
    expect(await consumer.locator('[data-question=q1] .field-error').textContent()).toBe('Выберите ответ.')
    await consumer.getByLabel('4 — хорошо').check({ force: true })
    await consumer.locator('[data-question=q3]').getByLabel('9', { exact: true }).check({ force: true })
    await consumer.locator('[data-question=q4] textarea').fill('Спасибо, всё понятно объяснили')
    await consumer.getByLabel('через сайт').check()
    await consumer.getByRole('button', { name: 'Отправить ответ' }).click()
    await consumer.locator('[data-testid=survey-done]').waitFor()
    expect(await consumer.locator('h1').textContent()).toBe('Спасибо!')
    // the same link again: politely used up
    await gotoHydrated(consumer, link)
    expect(await consumer.locator('[data-testid=survey-used] h1').textContent()).toBe('Ответ уже получен')
    expect(consumerProblems.filter((p) => !p.includes('400') && !p.includes('409'))).toEqual([])
    await consumerContext.close()

    // counted on the survey's page
    await gotoHydrated(officer, surveyUrl)
    expect(await tileValue(officer, 'surveys.responses')).toBe('1')
    expect(await tileValue(officer, 'surveys.csat')).toBe('100 %')
    expect(await tileValue(officer, 'surveys.response_rate')).toBe('100 %')
    expect(await officer.locator('[data-testid=question-q1] [data-testid=answered]').textContent()).toBe('1')
    expect(await officer.locator('[data-testid=text-answers]').textContent()).toContain('Спасибо, всё понятно объяснили')

    // the answers file has the same response
    const [download] = await Promise.all([officer.waitForEvent('download'), officer.click('[data-testid=download-answers]')])
    const book = new ExcelJS.Workbook()
    await book.xlsx.readFile((await download.path())!)
    const sheet = book.getWorksheet('Анкеты')!
    expect(sheet.rowCount).toBe(2)
    expect([8, 9, 10, 11, 12].map((c) => sheet.getRow(2).getCell(c).value ?? null)).toEqual([4, null, 9, 'Спасибо, всё понятно объяснили', 'через сайт'])
    // answered: the questions are locked, a copy can change them
    await gotoHydrated(officer, `${surveyUrl}/edit`)
    await officer.getByRole('link', { name: 'скопируйте опрос' }).click()
    await officer.locator('h1', { hasText: 'Новый опрос по образцу' }).waitFor()
    expect(await officer.getByLabel('Название').inputValue()).toBe('Опрос после обращения (копия)')
    expect(await officer.getByLabel('Текст вопроса 5').inputValue()).toBe('Как вы обратились?')
    expect(problems.filter((p) => !p.includes('404'))).toEqual([])

    // an operator enters a phone survey; both answers count
    const operatorContext = await browser.context.browser()!.newContext({ locale: 'ru-RU' })
    const operator = await signIn(operatorContext, baseUrl, 'operator', E2E_PASSWORD)
    await gotoHydrated(operator, `${surveyUrl}/phone`)
    await operator.getByLabel('2 — плохо').check({ force: true })
    await operator.getByRole('button', { name: 'Сохранить анкету' }).click()
    await operator.locator('[data-testid=phone-saved]').waitFor()
    await gotoHydrated(operator, surveyUrl)
    expect(await tileValue(operator, 'surveys.responses')).toBe('2')
    expect(await tileValue(operator, 'surveys.csat')).toBe('50 %')
    await operatorContext.close()
  })
})

describe('the public page over plain HTTP', () => {
  it('refuses an oversized form before reading it, and an unknown link is «not found»', async () => {
    const big = new URLSearchParams({ q1: '5', q4: 'я'.repeat(200_000) }).toString()
    const response = await fetch(`${baseUrl}/s/AAAAAAAAAAAAAAAAAAAAAA`, {
      method: 'POST',
      body: big,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: baseUrl },
    })
    expect(response.status).toBe(413)
    // refused by the server's form limit before the page reads anything (server/hardening.mjs)
    expect(await response.text()).toContain('данные формы больше 1 МБ')
    const unknown = await fetch(`${baseUrl}/s/AAAAAAAAAAAAAAAAAAAAAA`, {
      method: 'POST',
      body: 'q1=5',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: baseUrl },
    })
    expect(unknown.status).toBe(404)
  })
})
