import fs from 'node:fs'
import ExcelJS from 'exceljs'
import { inject } from 'vitest'
import { tmpFile } from '#test/setup/files.ts'
import { gotoHydrated, launchBrowser, signIn, watchConsole } from './browser.ts'
import { E2E_PASSWORD } from './server.ts'

const baseUrl = inject('baseUrl')
const appealsToken = inject('appealsToken')
let browser: Awaited<ReturnType<typeof launchBrowser>>

beforeAll(async () => {
  browser = await launchBrowser()
  await (await signIn(browser.context, baseUrl, 'operator', E2E_PASSWORD)).close()
})
afterAll(async () => browser?.close())

// a CRM's register: its own headers, «Физ. лицо», dates as ДД/ММ/ГГГГ, no form column; line 4 has an impossible date
// dated 2020, a year no other spec reads: the shared e2e server's 2025 figures stay those of the sample files
const crm = tmpFile(
  'crm-e2e.csv',
  'Номер;Дата регистрации;Тип заявителя;Тема;Канал\nE2E-CRM-1;26/12/2020 10:00:00;Физ. лицо;Техприсоединение;Светлая страна\nE2E-CRM-2;26/12/2020 11:00:00;Юр. лицо;Техприсоединение;Личный кабинет\nE2E-CRM-3;31/02/2020 11:00:00;Физ. лицо;Техприсоединение;Личный кабинет\n',
)

describe('column mappings in the browser', () => {
  it('a mapping made on a sample, previewed with the import’s messages, saved, then offered and used by the upload', async () => {
    const page = await browser.context.newPage()
    const problems = watchConsole(page)
    await gotoHydrated(page, `${baseUrl}/imports/mappings/edit?kind=appeals`)
    await page.setInputFiles('input[type=file]', crm)
    await page.click('text=Прочитать образец')
    await page.waitForSelector('option:has-text("столбец «Номер»")', { state: 'attached' })
    const pick = (column: string, label: string) => page.selectOption(`select[aria-label="Источник ${column}"]`, { label })
    await pick('reg_number', 'столбец «Номер»')
    await pick('received_at', 'столбец «Дата регистрации»')
    await page.selectOption('select[aria-label="Формат даты received_at"]', 'DD/MM/YYYY HH:mm:ss')
    await pick('form', 'постоянное значение')
    await page.fill('input[aria-label="Значение form"]', 'internet')
    await pick('consumer_type', 'столбец «Тип заявителя»')
    await page.selectOption('select[aria-label="Значение «Физ. лицо» для consumer_type"]', 'individual')
    await page.selectOption('select[aria-label="Значение «Юр. лицо» для consumer_type"]', 'legal')
    await pick('topic', 'столбец «Тема»')
    await page.selectOption('select[aria-label="Значение «Техприсоединение» для topic"]', 'connection')
    await pick('channel', 'столбец «Канал»')
    const preview = await page.$$eval('[data-testid=mapping-preview] tbody tr', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
    )
    expect(preview.map((r) => [r[0], r[1], r[3], r[5], r[6], r.at(-1)])).toEqual([
      ['2', 'E2E-CRM-1', 'internet', 'individual', 'connection', ''],
      ['3', 'E2E-CRM-2', 'internet', 'legal', 'connection', ''],
      ['4', 'E2E-CRM-3', 'internet', 'individual', 'connection', 'received_at: такой даты нет: «31/02/2020 11:00:00» (столбец «Дата регистрации»)'],
    ])
    await page.fill('input[name=name]', 'CRM e2e')
    await page.click('text=Сохранить сопоставление')
    await page.waitForURL(/\/imports\/mappings\?saved=/)
    // the address changes before the list is rendered: wait for the list's own words
    await page.getByText('Сопоставление «CRM e2e» сохранено.').waitFor()
    expect(await page.textContent('main')).toContain('Сопоставление «CRM e2e» сохранено.')

    await gotoHydrated(page, `${baseUrl}/imports`)
    await page.selectOption('select[name=kind]', 'appeals')
    await page.setInputFiles('input[name=file]', crm)
    await page.waitForSelector('[data-testid=mapping-offer]')
    expect(await page.inputValue('select[name=how]')).toBe('mapping:CRM e2e')
    await page.check('input[name=skipInvalid]')
    await page.click('form.upload button[type=submit]')
    await page.waitForURL(/\/imports\/\d+$/)
    await page.waitForSelector('[data-testid=status]', { timeout: 60_000 })
    expect(await page.textContent('[data-testid=status]')).toBe('загружен')
    expect((await page.textContent('[data-testid=balance]'))?.replace(/\s+/g, ' ')).toBe('Прочитано строк: 3 = сохранено 2 + отклонено 1')
    expect(await page.textContent('main')).toContain('сопоставление столбцов «CRM e2e»')

    // the same register as XLSX: the form reads its header in the browser and offers the mapping too
    const book = new ExcelJS.Workbook()
    const sheet = book.addWorksheet('Реестр')
    for (const line of fs.readFileSync(crm, 'utf8').trim().split('\n')) sheet.addRow(line.split(';'))
    const xlsx = tmpFile('crm-e2e.xlsx', Buffer.from(await book.xlsx.writeBuffer()))
    await gotoHydrated(page, `${baseUrl}/imports`)
    await page.selectOption('select[name=kind]', 'appeals')
    await page.setInputFiles('input[name=file]', xlsx)
    await page.waitForSelector('[data-testid=mapping-offer]')
    expect(await page.inputValue('select[name=how]')).toBe('mapping:CRM e2e')
    expect(problems).toEqual([])

    // the mapping saved in the browser, used by the import API (?mapping=): the rows just uploaded, unchanged
    const posted = await fetch(`${baseUrl}/api/imports/appeals?mapping=${encodeURIComponent('CRM e2e')}&skip_invalid=1&name=crm-e2e.csv`, {
      method: 'POST',
      body: fs.readFileSync(crm),
      headers: { Authorization: `Bearer ${appealsToken}`, 'Content-Type': 'text/csv' },
    })
    expect(posted.status).toBe(200)
    expect(await posted.json()).toMatchObject({ status: 'done', read: 3, stored: 2, inserted: 0, unchanged: 2, rejected: 1 })
    // without it the same file is refused, naming the saved mapping its headers fit
    const plain = await fetch(`${baseUrl}/api/imports/appeals`, {
      method: 'POST',
      body: fs.readFileSync(crm),
      headers: { Authorization: `Bearer ${appealsToken}`, 'Content-Type': 'text/csv' },
    })
    expect(plain.status).toBe(422)
    expect((await plain.json()).message).toMatch(/сохранённому сопоставлению «CRM e2e»/)
  })

  it('the format guide lists every kind and adapter, and its templates download', async () => {
    const page = await browser.context.newPage()
    await page.goto(`${baseUrl}/imports/formats`)
    const text = (await page.textContent('main')) ?? ''
    for (const s of ['журнал звонков (calls)', 'format=asterisk_cdr', 'format=3cx', 'format=qmatic', 'времени ожидания в очереди CDR не даёт'])
      expect(text).toContain(s)
    const csv = await page.request.get(`${baseUrl}/imports/templates/visits.csv`)
    expect(csv.status()).toBe(200)
    expect((await csv.text()).split('\r\n')[0]).toBe(
      '\uFEFFticket_id;office_code;service_kind;issued_at;called_at;service_ended_at;window;agent;consumer_type;appeal_reg_number',
    )
    const xlsx = await page.request.get(`${baseUrl}/imports/templates/calls.xlsx`)
    expect(xlsx.status()).toBe(200)
    expect((await xlsx.body()).subarray(0, 2).toString()).toBe('PK')
  })
})
