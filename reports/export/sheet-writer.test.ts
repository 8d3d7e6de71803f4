import { columnName, sheetNames, startBook, xmlText } from './sheet-writer.server.ts'

describe('the streamed sheet writer', () => {
  it('column letters, sheet names Excel accepts, text safe in XML', () => {
    expect([0, 25, 26, 30, 701, 702].map(columnName)).toEqual(['A', 'Z', 'AA', 'AE', 'ZZ', 'AAA'])
    expect(sheetNames([{ name: 'Нарушения supplier_contract_missing_documents', widths: [] }, { name: 'Нарушения supplier_contract_missing_documents_2', widths: [] }, { name: 'a/b:c', widths: [] }])).toEqual([
      'Нарушения supplier_contract_mis',
      'Нарушения supplier_contract_m 2',
      'a b c',
    ])
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
      for (let i = 0; i < 2_000_000; i++) await sheet.row([{ v: i, s: 'count' }, { v: `строка ${i}`, s: 'text' }, { v: null, s: 'center' }])
    })()
    await expect(written).rejects.toThrow('the file is no longer read')
  })
})
