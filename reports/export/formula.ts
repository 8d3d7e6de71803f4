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

/**
 * A phone number as people write it: an optional «+», digits, spaces, hyphens, parentheses, dots; 5–15 digits
 * (E.164 has at most 15). Nothing in it can call a function or reach another program (no letters, no `|`, `!`, `(` after
 * a name), so a spreadsheet can at worst read it as arithmetic, never run anything.
 */
const PHONE = /^\+?[\d\s().-]+$/u
/** A plain number: «-12», «+3,5», «-1 234,56», «-1.5e3». */
const NUMBER = /^[+-]?(\d[\d\s\u00a0]*)([.,]\d+)?(e[+-]?\d+)?$/iu

export function isPhoneOrNumber(value: string): boolean {
  if (NUMBER.test(value)) return true
  if (!PHONE.test(value)) return false
  const digits = value.replace(/\D/g, '').length
  return digits >= 5 && digits <= 15
}

/**
 * A CSV value, by the OWASP rule (ADR 022): prefixed with `'` when a spreadsheet would run it — but a valid phone
 * number («+7 936 123-45-67») or a number («-12») is written as it is: a mailing list gets the numbers, not «'+7 …».
 */
export function csvText(value: string): string {
  return startsFormula(value) && !isPhoneOrNumber(value) ? `'${value}` : value
}

/** A text cell of an XLSX or ODS file: stored as text, so the value itself is safe and stays unchanged. */
export function sheetText(value: string): string {
  return value
}
