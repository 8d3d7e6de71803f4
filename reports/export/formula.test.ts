import ExcelJS from 'exceljs'
import { Readable } from 'node:stream'
import { buffer } from 'node:stream/consumers'
import { surveyAnswersWorkbook } from '#reports/surveys/exports.server.ts'
import { csvLine } from './csv.ts'
import { csvText, startsFormula } from './formula.ts'
import { addSheet, safeText, streamWorkbook } from './workbook.server.ts'
import type { Survey } from '#app/models/survey.server.ts'

const PAYLOADS = [
  '=HYPERLINK("http://evil.example","нажми")',
  '+7 912 345-67-89',
  "-2+3+cmd|' /C calc'!A0",
  "@SUM(1+1)*cmd|' /C calc'!A0",
  '\t=1+1',
  '\r=1+1',
  ' =1+1',
  '  +1',
  '\n=1+1',
  '\r\n@x',
  '\u00a0=1',
  '\tпросто текст',
  '\rтекст',
]
const asXmlReadsIt = (v: string) => v.replace(/\r\n?/g, '\n')
const HARMLESS = ['Иванов', '12-05', 'a=b', 'ПОП-05', '', 'x+1', '1 = 1']

describe('one rule for formulas in every file we write', () => {
  it('finds =, +, -, @ (also after leading whitespace or line breaks), tab and CR at the start', () => {
    for (const p of PAYLOADS) expect(startsFormula(p), JSON.stringify(p)).toBe(true)
    for (const h of HARMLESS) expect(startsFormula(h), JSON.stringify(h)).toBe(false)
  })

  it('CSV: a valid phone number or a number stays exactly itself (no apostrophe); a formula is still prefixed', () => {
    for (const v of ['+7 936 123-45-67', '+79361234567', '+7 (936) 123-45-67', '-12', '+3,5', '-1 234,56', '-1.5e3', '+44 20 7946 0958'])
      expect(csvLine([v])).toBe(v)
    for (const v of ['+7 936 123-45-67 доб. 5', '=1+1', '+1-1+cmd|x', '-SUM(A1)', '+(1)', '@1', '-']) expect(csvLine([v]).replace(/^"|"$/g, '')).toMatch(/^'/)
  })

  it('CSV (no types): each such value is prefixed with an apostrophe, after quoting still the first character', () => {
    for (const p of PAYLOADS.filter((p) => p !== '+7 912 345-67-89')) {
      const cell = csvLine([p])
      const unquoted = cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell
      expect(unquoted, JSON.stringify(p)).toBe(`'${p}`)
    }
    for (const h of HARMLESS) expect(csvText(h)).toBe(h)
  })

  it('XLSX: written as text cells, never formulas, the value unchanged (a phone keeps its «+», no apostrophe)', async () => {
    const bytes = await buffer(
      streamWorkbook(async (book) => {
        const sheet = await addSheet(book, 'Проба', ['Значение'], [40])
        for (const p of PAYLOADS) await sheet.row([{ v: safeText(p), s: 'text' }])
      }),
    )
    const book = new ExcelJS.Workbook()
    await book.xlsx.load(bytes as unknown as ArrayBuffer)
    const cells = PAYLOADS.map((_, i) =>
      book
        .getWorksheet('Проба')!
        .getRow(i + 2)
        .getCell(1),
    )
    expect(cells.map((c) => c.type)).toEqual(PAYLOADS.map(() => ExcelJS.ValueType.String))
    // XML itself reads a carriage return as a line feed: that is the only change
    expect(cells.map((c) => c.value)).toEqual(PAYLOADS.map(asXmlReadsIt))
  })

  it('the survey answers file: every text column (free answers, office, appeal number) is a text cell', async () => {
    const survey = {
      id: '1',
      orgId: '1',
      title: 'Опрос',
      questions: [
        { id: 'q1', kind: 'text', text: 'Что улучшить?', required: false },
        { id: 'q2', kind: 'text', text: 'Контакты', required: false },
      ],
    } as unknown as Survey
    const rows = PAYLOADS.map((p, i) => ({
      id: String(i + 1),
      submittedAt: new Date('2025-03-01T10:00:00Z'),
      collectedBy: 'web',
      delivery: null,
      officeCode: p,
      form: null,
      topic: null,
      regNumber: p,
      answers: { q1: { score: null, choices: null, text: p }, q2: { score: null, choices: null, text: p } },
    }))
    const file = surveyAnswersWorkbook(survey, Readable.from([rows]), 'Europe/Moscow', new Map(), (t) => t, [])
    const book = new ExcelJS.Workbook()
    await book.xlsx.load((await buffer(file)) as unknown as ArrayBuffer)
    const sheet = book.getWorksheet('Анкеты')!
    let checked = 0
    sheet.eachRow((row, n) => {
      if (n === 1) return
      row.eachCell((cell) => {
        expect(cell.formula).toBeUndefined()
        if (typeof cell.value === 'string' && startsFormula(cell.value)) {
          expect(cell.type).toBe(ExcelJS.ValueType.String)
          checked++
        }
      })
    })
    expect(checked).toBe(PAYLOADS.map(asXmlReadsIt).filter(startsFormula).length * 4)
  })
})
