/**
 * A refused form shows each field's message beside its field (issue 19 §5, ADR 025): in the field's label
 * or group, the field marked `aria-invalid` and described by its message, and the summary above the form
 * still there. Three pages, each sent a value its schema or model refuses; nothing is saved.
 */
import type { Page } from 'playwright-core'
import { inject } from 'vitest'
import { gotoHydrated, launchBrowser, signIn } from './browser.ts'
import { E2E_PASSWORD } from './server.ts'

const baseUrl = inject('baseUrl')
let browser: Awaited<ReturnType<typeof launchBrowser>>
beforeEach(async () => {
  browser = await launchBrowser()
})
afterEach(async () => browser?.close())

/** The field's message, that it sits in the field's own label (or fieldset), and how the field points at it. */
async function fieldError(page: Page, name: string) {
  const field = page.locator(`[name=${name}]`).first()
  const id = await field.getAttribute('aria-describedby')
  return {
    invalid: await field.getAttribute('aria-invalid'),
    describedBy: id,
    text: id ? await page.locator(`[id="${id}"]`).textContent() : null,
    besideIt: await page.locator(`label:has([name=${name}]) .field-error, fieldset:has([name=${name}]) .field-error`).first().textContent(),
  }
}

describe('field errors beside their fields', () => {
  it('settings: a callback norm that is not a number', async () => {
    const page = await signIn(browser.context, baseUrl, 'admin', E2E_PASSWORD)
    await gotoHydrated(page, `${baseUrl}/admin/settings`)
    await page.fill('input[name=lostCallbackAmount]', 'много')
    await page.click('form:has(input[name=lostCallbackAmount]) button[type=submit]')
    await page.waitForSelector('.field-error')
    const message = 'Положительное число до 10 000 (или пусто: из правила перезвона).'
    expect(await fieldError(page, 'lostCallbackAmount')).toEqual({ invalid: 'true', describedBy: 'lostCallbackAmount-error', text: message, besideIt: message })
    expect(await page.locator('[role=alert]').first().textContent()).toBe(`Норматив перезвона: ${message}`)
    // the other fields are not marked
    expect(await page.locator('input[name=name]').getAttribute('aria-invalid')).toBeNull()
  })

  it('users: a login the model refuses', async () => {
    const page = await signIn(browser.context, baseUrl, 'admin', E2E_PASSWORD)
    await gotoHydrated(page, `${baseUrl}/admin/users`)
    await page.fill('input[name=login]', 'и')
    await page.fill('input[name=fullName]', 'Кто-то')
    await page.fill('input[name=password]', 'пароль-для-проверки-1')
    await page.check('input[name=roles][value=operator]')
    await page.click('form:has(input[name=login]) button[type=submit]')
    await page.waitForSelector('.field-error')
    const message = 'Логин: от 2 до 64 латинских букв, цифр, точек, дефисов или подчёркиваний.'
    expect(await fieldError(page, 'login')).toEqual({ invalid: 'true', describedBy: 'login-error', text: message, besideIt: message })
    expect(await page.locator('[role=alert]').first().textContent()).toBe(message)
  })

  it('integration tokens: no kind of data chosen — the message under the group of checkboxes', async () => {
    const page = await signIn(browser.context, baseUrl, 'admin', E2E_PASSWORD)
    await gotoHydrated(page, `${baseUrl}/admin/tokens`)
    await page.fill('input[name=name]', 'Проверка полей')
    await page.click('form:has(input[name=kinds]) button[type=submit]')
    await page.waitForSelector('.field-error')
    const message = 'Укажите хотя бы один вид данных, который токен может загружать.'
    expect(await fieldError(page, 'kinds')).toEqual({ invalid: 'true', describedBy: 'kinds-error', text: message, besideIt: message })
    expect(await page.locator('input[name=name]').getAttribute('aria-invalid')).toBeNull()
  })
})
