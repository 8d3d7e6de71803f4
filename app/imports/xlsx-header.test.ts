import { PassThrough } from 'node:stream'
import { buffer } from 'node:stream/consumers'
import ExcelJS from 'exceljs'
import { xlsxHeader } from './xlsx-header.ts'

/** The browser's reading of an XLSX header (the upload form offers the saved mapping a file fits). */
describe('the header of an XLSX file, read as the browser reads it', () => {
  it('a workbook with shared strings: row 1 of the first sheet, rich text joined, entities and gaps kept in place', async () => {
    const book = new ExcelJS.Workbook()
    const first = book.addWorksheet('Реестр')
    book.addWorksheet('Второй').addRow(['не этот'])
    first.getCell('A1').value = 'Номер'
    first.getCell('B1').value = { richText: [{ text: 'Дата ' }, { text: 'регистрации', font: { bold: true } }] }
    first.getCell('D1').value = 'Тип <заявителя> & "канал"'
    first.getCell('E1').value = 2025
    first.addRow(['CRM-1', '26/12/2020 10:00:00'])
    const file = new Blob([await book.xlsx.writeBuffer()])
    expect(await xlsxHeader(file)).toEqual(['Номер', 'Дата регистрации', '', 'Тип <заявителя> & "канал"', '2025'])
  })

  it('inline strings (a streamed writer without shared strings)', async () => {
    const out = new PassThrough()
    const done = buffer(out)
    const book = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false })
    const sheet = book.addWorksheet('Звонки')
    sheet.addRow(['IdChain', 'DateTimeStart', 'LenQueue']).commit()
    sheet.addRow(['x', '2025-03-14 09:00:00', 25]).commit()
    sheet.commit()
    await book.commit()
    expect(await xlsxHeader(new Blob([await done]))).toEqual(['IdChain', 'DateTimeStart', 'LenQueue'])
  })

  it('anything that is not an XLSX gives no header (the import itself says what is wrong)', async () => {
    expect(await xlsxHeader(new Blob(['Номер;Дата\n1;2\n']))).toBeUndefined()
    expect(await xlsxHeader(new Blob([new Uint8Array([0x50, 0x4b, 0x05, 0x06, ...new Array(18).fill(0)])]))).toBeUndefined()
  })
})
