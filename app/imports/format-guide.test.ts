import { guideColumns, templateRows, EXAMPLES } from './format-guide.ts'
import { IMPORT_KINDS, kindSpecs } from './kinds.ts'
import { validateRow } from './values.ts'

describe('the format guide follows the kind specs', () => {
  it.each(IMPORT_KINDS)('%s: every column has an entry and the template row passes the import validation', (kind) => {
    expect(Object.keys(EXAMPLES[kind]).sort()).toEqual(kindSpecs[kind].columns.map((c) => c.name).sort())
    expect(guideColumns(kind).map((c) => c.name)).toEqual(kindSpecs[kind].columns.map((c) => c.name))
    const [header, row] = templateRows(kind)
    const { problems } = validateRow(kindSpecs[kind], (column) => row[header.indexOf(column)], 'Europe/Moscow')
    expect(problems).toEqual([])
    for (const c of kindSpecs[kind].columns.filter((c) => c.required)) expect(row[header.indexOf(c.name)]).not.toBe('')
  })

  it('enumerations list their codes and Russian labels', () => {
    const form = guideColumns('appeals').find((c) => c.name === 'form')!
    expect(form.allowed).toContainEqual({ code: 'internet', label: 'интернет' })
    expect(form.required).toBe(true)
  })
})
