import { buffer } from 'node:stream/consumers'
import ExcelJS from 'exceljs'
import yauzl from 'yauzl'
import { cellText, durationOf, serialOf } from './model.ts'
import { streamTables } from './tables.server.ts'
import { columnName, sheetNames, startBook, writeReportBook, xmlText } from './writer.server.ts'

function entryText(file: Buffer, name: string): Promise<string> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(file, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error)
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName !== name) return zip.readEntry()
        zip.openReadStream(entry, (failed, stream) => {
          if (failed || !stream) return reject(failed)
          const chunks: Buffer[] = []
          stream.on('data', (c: Buffer) => chunks.push(c))
          stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
        })
      })
      zip.on('end', () => reject(new Error(`${name} not in the file`)))
      zip.readEntry()
    })
  })
}

describe('the streamed sheet writer', () => {
  it('column letters, sheet names Excel accepts, text safe in XML', () => {
    expect([0, 25, 26, 30, 701, 702].map(columnName)).toEqual(['A', 'Z', 'AA', 'AE', 'ZZ', 'AAA'])
    expect(
      sheetNames([
        { name: 'Нарушения supplier_contract_missing_documents', widths: [] },
        { name: 'Нарушения supplier_contract_missing_documents_2', widths: [] },
        { name: 'a/b:c', widths: [] },
      ]),
    ).toEqual(['Нарушения supplier_contract_mis', 'Нарушения supplier_contract_m 2', 'a b c'])
    expect(xmlText('<a & "b">\u0001')).toBe('&lt;a &amp; &quot;b&quot;&gt;')
    expect(xmlText('x'.repeat(40_000))).toHaveLength(32_767 - 20 + '… (текст сокращён)'.length)
  })

  it('stops writing when the reader goes away instead of waiting for ever', async () => {
    const book = startBook('xlsx', [{ name: 'big', widths: [10, 10, 10] }])
    let chunks = 0
    book.stream.on('data', () => {
      if (++chunks === 1) book.stream.destroy()
    })
    const sheet = await book.next()
    const written = (async () => {
      for (let i = 0; i < 2_000_000; i++)
        await sheet.row([
          { v: i, s: 'count' },
          { v: `строка ${i}`, s: 'text' },
          { v: null, s: 'center' },
        ])
    })()
    await expect(written).rejects.toThrow('the file is no longer read')
  })

  it('gives every ODS sheet a print area over its columns, quoting the sheet name', async () => {
    const stream = writeReportBook(
      'ods',
      [{ name: "Таблица 4'1", widths: [10, 10, 10], print: { orientation: 'landscape', repeatRows: [1, 1] } }],
      [['Что', 'проверка']],
      async (book) => {
        const sheet = await book.next()
        for (let i = 0; i < 3; i++)
          await sheet.row([
            { v: i, s: 'count' },
            { v: 'a', s: 'text' },
            { v: 'b', s: 'text' },
          ])
        await sheet.end()
      },
    )
    const chunks: Buffer[] = []
    for await (const chunk of stream) chunks.push(chunk as Buffer)
    const content = await entryText(Buffer.concat(chunks), 'content.xml')
    expect(content).toContain(`table:name="Таблица 4'1" table:style-name="ta-0" table:print-ranges="$'Таблица 4''1'.$A$1:$'Таблица 4''1'.$C$1048576"`)
    expect(content).toContain(`table:print-ranges="$'О файле'.$A$1:$'О файле'.$B$1048576"`)
  })

  it('writes dates, durations, shares, scores and points as numbers with their formats (exceljs reads them back)', async () => {
    const when = new Date(Date.UTC(2025, 2, 31, 15, 5)) // a wall clock: 31.03.2025 15:05
    const stream = streamTables(async (book) => {
      const sheet = await book.table('Проба', ['Когда', 'Длительность', 'Доля', 'Балл', 'Пункты'], [17, 12, 10, 10, 10])
      await sheet.row([
        { v: serialOf(when), s: 'dateTime' },
        { v: durationOf(3723), s: 'duration' },
        { v: 0.875, s: 'share' },
        { v: 4.25, s: 'score' },
        { v: -1.5, s: 'points' },
      ])
    })
    const book = new ExcelJS.Workbook()
    await book.xlsx.load((await buffer(stream)) as unknown as ArrayBuffer)
    const row = book.getWorksheet('Проба')!.getRow(2)
    expect(row.getCell(1).value).toEqual(when)
    expect(row.getCell(1).numFmt).toBe('dd.mm.yyyy hh:mm')
    expect(row.getCell(3).value).toBe(0.875)
    expect([row.getCell(2).numFmt, row.getCell(3).numFmt, row.getCell(4).numFmt, row.getCell(5).numFmt]).toEqual(['[h]:mm:ss', '0.0%', '0.00', '+0.0;-0.0;0'])
    expect(book.getWorksheet('Проба')!.getRow(1).getCell(1).font?.bold).toBe(true)
    // what the page and the PDF show for the same cells
    expect(cellText({ v: serialOf(when), s: 'dateTime' })).toBe('31.03.2025 15:05')
    expect(cellText({ v: durationOf(3723), s: 'duration' })).toBe('1:02:03')
    expect(cellText({ v: 0.875, s: 'share' })).toBe('87,5\u00a0%')
    expect(cellText({ v: -1.5, s: 'points' })).toBe('-1,5')
  })

  it('an XLSX book takes sheets declared while it is written (a register past a sheet of rows); ODS refuses', async () => {
    const book = startBook('xlsx', [])
    const bytes = buffer(book.stream)
    for (const name of ['Записи', 'Записи (2)', 'О файле']) {
      const sheet = await book.next({ name, widths: [10] })
      await sheet.row([{ v: name, s: 'text' }])
      await sheet.end()
    }
    await book.finish()
    const read = new ExcelJS.Workbook()
    await read.xlsx.load((await bytes) as unknown as ArrayBuffer)
    expect(read.worksheets.map((w) => [w.name, w.getRow(1).getCell(1).value])).toEqual([
      ['Записи', 'Записи'],
      ['Записи (2)', 'Записи (2)'],
      ['О файле', 'О файле'],
    ])
    const ods = startBook('ods', [{ name: 'a', widths: [10] }])
    await expect(ods.next({ name: 'b', widths: [10] })).rejects.toThrow('declared up front')
  })

  it('ODS: dates, durations and shares as typed values', async () => {
    const stream = writeReportBook('ods', [{ name: 'Проба', widths: [17, 12, 10] }], [], async (book) => {
      const sheet = await book.next()
      await sheet.row([
        { v: serialOf(new Date(Date.UTC(2025, 2, 31, 15, 5))), s: 'dateTime' },
        { v: durationOf(3723), s: 'duration' },
        { v: 0.875, s: 'share' },
      ])
      await sheet.end()
    })
    const content = await entryText(await buffer(stream), 'content.xml')
    expect(content).toContain('office:value-type="date" office:date-value="2025-03-31T15:05:00"><text:p>31.03.2025 15:05</text:p>')
    expect(content).toContain('office:value-type="time" office:time-value="PT1H2M3S"><text:p>1:02:03</text:p>')
    expect(content).toContain('office:value-type="percentage" office:value="0.875"')
  })
})
