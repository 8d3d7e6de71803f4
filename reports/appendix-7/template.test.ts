import { BUILT_IN_TEMPLATE, headerWidths, parseTemplate } from './template.ts'

describe('the Appendix 7 template', () => {
  it('the built-in template passes its schema; every table header spans the table', () => {
    expect(parseTemplate(BUILT_IN_TEMPLATE).ok).toBe(true)
    expect(BUILT_IN_TEMPLATE.tables.map((t) => t.code)).toEqual([
      '1.1',
      '1.2',
      '1.3',
      '1.4',
      '2.1',
      '2.2',
      '2.3',
      '2.4',
      '3.1',
      '3.2',
      '3.3',
      '3.4',
      '4.1',
      '4.2',
      '4.3',
      '4.4',
      '4.5',
      '4.6',
      '4.7',
      '4.8',
      '4.9',
    ])
  })

  it('counts rowspans carried into lower header rows', () => {
    expect(
      headerWidths([
        [{ rowspan: 2 }, { colspan: 3 }],
        [{}, {}, {}],
      ]),
    ).toEqual([4, 4])
  })

  it('a corrected template with mistakes is refused with Russian messages naming the place', () => {
    const broken = structuredClone(BUILT_IN_TEMPLATE) as unknown as {
      tables: { code: string; header: { text: string; colspan?: number }[][]; rows?: { figure?: string }[] }[]
    }
    const t41 = broken.tables.find((t) => t.code === '4.1')!
    t41.header[1]![0]!.colspan = 4
    t41.rows![0]!.figure = 'appeals.nonexistent'
    const result = parseTemplate(broken)
    expect(result.ok).toBe(false)
    if (!result.ok) {
      expect(result.errors).toContain('tables.12.header.1: строка заголовка 2 таблицы 4.1 занимает 18 граф, а таблица — 17')
      expect(result.errors.some((e) => e.includes('нет такого показателя в каталоге'))).toBe(true)
    }
  })
})
