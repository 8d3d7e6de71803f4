/**
 * CSV for people's spreadsheets: `;` (Russian Excel), RFC 4180 quoting, and a value that would start
 * a formula (`=`, `+`, `-`, `@`, tab, CR) is prefixed with `'` so that it stays text.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
  return /[";\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}

export function csvLine(values: readonly string[]): string {
  return values.map(csvCell).join(';')
}
