import { tmpFile } from '#test/setup/files.ts'
import { detectDelimiter, openCsv } from './read-csv.server.ts'
import { sniffFile } from './sniff.server.ts'

async function lines(content: string | Buffer, encoding: 'utf-8' | 'windows-1251' = 'utf-8') {
  const reader = await openCsv(tmpFile('t.csv', content), encoding)
  const rows: [number, string][] = []
  for await (const row of reader.rows) rows.push([row.line, String(row.cells[0])])
  return { header: reader.header, rows, delimiter: reader.delimiter }
}

describe('CSV reading', () => {
  it.each([
    ['LF', '\n'],
    ['CRLF', '\r\n'],
  ])('numbers records by the line they start on (%s), across quoted line breaks and blank lines', async (_name, eol) => {
    const text = ['a;b', 'x1;"один', 'два"', '', 'x2;y', 'x3;"три', 'четыре', 'пять"', 'x4;z'].join(eol) + eol
    expect((await lines(text)).rows).toEqual([
      [2, 'x1'],
      [5, 'x2'],
      [6, 'x3'],
      [9, 'x4'],
    ])
  })

  it('detects the delimiter from the header, ignoring quoted ones', () => {
    expect(detectDelimiter('a;b;c')).toBe(';')
    expect(detectDelimiter('a,b,c')).toBe(',')
    expect(detectDelimiter('"a;x",b,c')).toBe(',')
  })

  it('strips a UTF-8 BOM from the first header', async () => {
    expect((await lines('\uFEFFreg_number,form\nО-1,почта\n')).header).toEqual(['reg_number', 'form'])
  })
})

describe('sniffing by content, not by name', () => {
  it('tells UTF-8 from Windows-1251, even when a Cyrillic letter is cut by the 64 KiB sample', async () => {
    const cp1251 = Buffer.from([0xf0, 0xe5, 0xe3, 0x3b, 0x61, 0x0a]) // «рег;a»
    expect(await sniffFile(tmpFile('a.csv', cp1251))).toMatchObject({ format: 'csv', encoding: 'windows-1251' })
    const utf8 = Buffer.concat([Buffer.from('a;b\n'), Buffer.from('я'.repeat(40_000))])
    expect(await sniffFile(tmpFile('b.csv', utf8))).toMatchObject({ format: 'csv', encoding: 'utf-8' })
  })

  it('recognises an Asterisk queue_log and an XLSX archive', async () => {
    expect((await sniffFile(tmpFile('q.txt', '1741932000|NONE|NONE|NONE|QUEUESTART|\n'))).format).toBe('queue_log')
    expect((await sniffFile(tmpFile('x.csv', Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2])))).format).toBe('xlsx')
  })
})
