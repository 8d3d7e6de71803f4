/**
 * The sheet model shared by the regulator's files and the pages that show them before download: rows of
 * cells with a named style and HTML-like merges. Client-safe.
 */
export const STYLES = ['plain', 'title', 'caption', 'head', 'text', 'textBold', 'center', 'count', 'countBold', 'decimal', 'decimalBold'] as const
export type CellStyle = (typeof STYLES)[number]

export interface Cell {
  v: string | number | null
  s?: CellStyle
  colspan?: number
  rowspan?: number
}

const DECIMAL = new Intl.NumberFormat('ru-RU', { minimumFractionDigits: 1, maximumFractionDigits: 3 })
const COUNT = new Intl.NumberFormat('ru-RU')

/** A cell as a person reads it (the page, the PDF, the publication): decimals with a comma, counts grouped. */
export function cellText(cell: Cell): string {
  if (cell.v === null) return ''
  if (typeof cell.v === 'number')
    return cell.s?.startsWith('decimal') ? DECIMAL.format(cell.v) : cell.s?.startsWith('count') ? COUNT.format(cell.v) : String(cell.v)
  return cell.v
}
