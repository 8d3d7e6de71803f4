import yauzl from 'yauzl'
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
})
