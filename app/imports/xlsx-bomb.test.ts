/**
 * A lying archive: its central directory (and local headers) declare small sizes, the deflated sheet inflates
 * to far more. The files are generated here, byte by byte, as an attacker would.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'
import ExcelJS from 'exceljs'
import { XLSX_LIMITS, checkXlsxArchive, measureXlsxArchive, openXlsx } from './read-xlsx.server.ts'

type Part = { name: string; xml: string | Buffer; declared?: number }

/** A zip with deflated parts whose declared uncompressed sizes are whatever the caller says. */
function zip(parts: Part[]): Buffer {
  const locals: Buffer[] = []
  const central: Buffer[] = []
  let offset = 0
  for (const part of parts) {
    const raw = typeof part.xml === 'string' ? Buffer.from(part.xml) : part.xml
    const data = zlib.deflateRawSync(raw, { level: 9 })
    const name = Buffer.from(part.name)
    const declared = part.declared ?? raw.length
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt16LE(0, 6)
    local.writeUInt16LE(8, 8)
    local.writeUInt32LE(0, 14) // crc: nobody checks it before inflating
    local.writeUInt32LE(data.length, 18)
    local.writeUInt32LE(declared, 22)
    local.writeUInt16LE(name.length, 26)
    locals.push(local, name, data)
    const entry = Buffer.alloc(46)
    entry.writeUInt32LE(0x02014b50, 0)
    entry.writeUInt16LE(20, 4)
    entry.writeUInt16LE(20, 6)
    entry.writeUInt16LE(8, 10)
    entry.writeUInt32LE(data.length, 20)
    entry.writeUInt32LE(declared, 24)
    entry.writeUInt16LE(name.length, 28)
    entry.writeUInt32LE(offset, 42)
    central.push(entry, name)
    offset += local.length + name.length + data.length
  }
  const cd = Buffer.concat(central)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(parts.length, 8)
  end.writeUInt16LE(parts.length, 10)
  end.writeUInt32LE(cd.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, cd, end])
}

const BOOK: Part[] = [
  {
    name: '[Content_Types].xml',
    xml: '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
  },
  {
    name: '_rels/.rels',
    xml: '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
  },
  {
    name: 'xl/workbook.xml',
    xml: '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Лист1" sheetId="1" r:id="rId1"/></sheets></workbook>',
  },
  {
    name: 'xl/_rels/workbook.xml.rels',
    xml: '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
  },
]
const sheet = (rows: string) =>
  `<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${rows}</sheetData></worksheet>`
const cell = (r: number, text: string) => `<row r="${r}"><c r="A${r}" t="inlineStr"><is><t>${text}</t></is></c></row>`

let dir: string
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sq-bomb-'))
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))
const write = (name: string, data: Buffer) => {
  const file = path.join(dir, name)
  fs.writeFileSync(file, data)
  return file
}

describe('a hostile XLSX is stopped by what it inflates to, not by what it declares', () => {
  it('one 40 MB cell declared as 900 KB: the directory looks harmless, reading stops at the cell limit', async () => {
    const huge = Buffer.alloc(40 * 1024 * 1024, 'A')
    const xml = Buffer.concat([
      Buffer.from(sheet(cell(1, 'Номер')).replace('</sheetData>', '<row r="2"><c r="A2" t="inlineStr"><is><t>')),
      huge,
      Buffer.from('</t></is></c></row></sheetData></worksheet>'),
    ])
    const file = write('one-cell.xlsx', zip([...BOOK, { name: 'xl/worksheets/sheet1.xml', xml, declared: 900_000 }]))
    expect(fs.statSync(file).size).toBeLessThan(200_000)
    // the declarations pass: 900 KB, not a thousandfold
    await expect(checkXlsxArchive(file)).resolves.toBeUndefined()
    const before = process.memoryUsage().rss
    await expect(openXlsx(file)).rejects.toThrow(/одна ячейка или строка длиннее 512 КБ/)
    // refused without holding the cell: far less than its 40 MB (times two as a JS string) was kept
    expect(process.memoryUsage().rss - before).toBeLessThan(30 * 1024 * 1024)
  })

  it('many ordinary cells that together inflate past the limit: stopped at the limit, whatever was declared', async () => {
    const rows = Array.from({ length: 60_000 }, (_, i) => cell(i + 1, `строка ${i} — обычный текст ячейки`)).join('')
    const file = write('many-cells.xlsx', zip([...BOOK, { name: 'xl/worksheets/sheet1.xml', xml: sheet(rows), declared: 50_000 }]))
    const limits = { ...XLSX_LIMITS, maxUncompressedBytes: 2 * 1024 * 1024 }
    await expect(checkXlsxArchive(file, limits)).resolves.toBeUndefined()
    await expect(measureXlsxArchive(file, limits)).rejects.toThrow(/после распаковки он занял бы более 2 МБ/)
  })

  it('a long run split across many inflated chunks is still one run', async () => {
    const xml = sheet(cell(1, 'x'.repeat(XLSX_LIMITS.maxRunBytes + 1)))
    const file = write('just-over.xlsx', zip([...BOOK, { name: 'xl/worksheets/sheet1.xml', xml }]))
    await expect(measureXlsxArchive(file)).rejects.toThrow(/одна ячейка или строка длиннее/)
    const fine = write('just-under.xlsx', zip([...BOOK, { name: 'xl/worksheets/sheet1.xml', xml: sheet(cell(1, 'Номер') + cell(2, 'x'.repeat(32_767))) }]))
    const reader = await openXlsx(fine)
    expect(reader.header).toEqual(['Номер'])
    for await (const row of reader.rows) expect(String(row.cells[0]).length).toBe(32_767)
  })

  it('an ordinary workbook written by exceljs reads as before', async () => {
    const book = new ExcelJS.Workbook()
    const ws = book.addWorksheet('Обращения')
    ws.addRow(['Номер', 'Текст'])
    ws.addRow(['А-1', 'Жалоба на <качество> & сроки'])
    const file = path.join(dir, 'ordinary.xlsx')
    await book.xlsx.writeFile(file)
    const reader = await openXlsx(file)
    expect(reader.header).toEqual(['Номер', 'Текст'])
    const rows = []
    for await (const row of reader.rows) rows.push(row.cells)
    expect(rows).toEqual([['А-1', 'Жалоба на <качество> & сроки']])
  })
})
