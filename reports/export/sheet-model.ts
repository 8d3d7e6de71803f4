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
