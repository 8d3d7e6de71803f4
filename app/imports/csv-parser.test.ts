import { CsvSyntaxError, parseCsv } from './csv-parser.ts'

async function parse(text: string, chunkSize = text.length || 1, delimiter = ';', max = 1000) {
  const chunks = (async function* () {
    for (let i = 0; i < text.length; i += chunkSize) yield text.slice(i, i + chunkSize)
  })()
  const out: [number, string[]][] = []
  for await (const r of parseCsv(chunks, delimiter, max)) out.push([r.line, r.cells])
  return out
}

const TRICKY = '\uFEFFa;b;c\r\n1;"x;y";"he said ""hi"""\r\n\r\n2;"line\r\nbreak";\n3;;""\n4;last;"end"'

describe('parseCsv', () => {
  it('reads quoted delimiters, doubled quotes, line breaks in quotes, empty fields and blank lines', async () => {
    expect(await parse('a;b\n"1;2";"a ""b"""\n\n3;\n', 1000)).toEqual([
      [1, ['a', 'b']],
      [2, ['1;2', 'a "b"']],
      [4, ['3', '']],
    ])
  })

  it('gives the same records whatever the chunk boundaries', async () => {
    const whole = await parse(TRICKY)
    expect(whole).toEqual([
      [1, ['a', 'b', 'c']],
      [2, ['1', 'x;y', 'he said "hi"']],
      [4, ['2', 'line\r\nbreak', '']],
      [6, ['3', '', '']],
      [7, ['4', 'last', 'end']],
    ])
    for (let size = 1; size <= 12; size++) expect(await parse(TRICKY, size)).toEqual(whole)
  })

  it('reads a last line without a line break and a comma delimiter', async () => {
    expect(await parse('a,b\n1,2', 3, ',')).toEqual([
      [1, ['a', 'b']],
      [2, ['1', '2']],
    ])
  })

  it('refuses text after a closing quote, an unclosed quote and an over-long record, with the line', async () => {
    await expect(parse('a;b\n"x"y;1\n')).rejects.toEqual(new CsvSyntaxError('text_after_quote', 2))
    await expect(parse('a;b\n1;2\n"open;3\n')).rejects.toMatchObject({ reason: 'unclosed_quote', line: 3 })
    await expect(parse(`a;b\n1;${'x'.repeat(5000)}\n`, 100)).rejects.toMatchObject({ reason: 'record_too_long', line: 2 })
  })
})
