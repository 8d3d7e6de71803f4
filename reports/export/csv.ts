import { csvText } from './formula.ts'

/**
 * CSV for people's spreadsheets: `;` (Russian Excel), RFC 4180 quoting, and a value that would start
 * a formula (reports/export/formula.ts: `=`, `+`, `-`, `@`, also after leading whitespace; tab, CR) is
 * prefixed with `'` so that it stays text.
 */
export function csvCell(value: string): string {
  const safe = csvText(value)
  return /[";\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}

export function csvLine(values: readonly string[]): string {
  return values.map(csvCell).join(';')
}
