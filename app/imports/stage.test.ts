import { copyStatement } from './stage.server.ts'

/** The one COPY adapter (ADR 024): the statement is compiled by kysely, not concatenated. */
describe('COPY statement', () => {
  it('names the table and its columns as quoted identifiers, in the text format or as a CSV file with its header', () => {
    expect(copyStatement('import_stage', ['src_line', 'batch_no', 'call_id'])).toBe('copy "import_stage" ("src_line", "batch_no", "call_id") from stdin')
    expect(copyStatement('call', ['call_id', 'line'], 'csv with header')).toBe('copy "call" ("call_id", "line") from stdin with (format csv, header true)')
  })

  it('escapes a name that is not a plain identifier (the hand-made quoting before passed a double quote through)', () => {
    expect(copyStatement('import_stage', ['a"b'])).toBe('copy "import_stage" ("a""b") from stdin')
  })
})
