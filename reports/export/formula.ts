/**
 * One rule for every file we write (ADR 014): a text that a spreadsheet would take for a formula when it
 * *parses* it — starting with `=`, `+`, `-` or `@`, also after leading whitespace or line breaks, or starting
 * with a tab or a carriage return.
 *
 * - **CSV** has no types: every value is parsed, so such a value is prefixed with `'` (the only way there).
 * - **XLSX and ODS** store a text cell as text (`t="inlineStr"`/shared string, `office:value-type="string"`),
 *   never as a formula, so the value is written as it is: a phone «+7 912 …» or a reference «-12» stays exactly
 *   what it was, without a literal apostrophe in the data.
 */
export function startsFormula(value: string): boolean {
  return /^[\t\r]|^\s*[=+\-@]/u.test(value)
}

/** A CSV value: prefixed with `'` when a spreadsheet would run it. */
export function csvText(value: string): string {
  return startsFormula(value) ? `'${value}` : value
}

/** A text cell of an XLSX or ODS file: stored as text, so the value itself is safe and stays unchanged. */
export function sheetText(value: string): string {
  return value
}
