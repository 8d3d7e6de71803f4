/**
 * Reading a PDF back with poppler (Debian's poppler-utils: pdfinfo, pdftotext, pdffonts), as the report tests
 * do. vitest.config.ts sets SQ_POPPLER where the tools are (required under CI) and puts them first on the PATH.
 */
import { execFileSync } from 'node:child_process'

/** Whether poppler's tools are here; a test that reads a PDF back skips without them (never under CI). */
export const hasPoppler = Boolean(process.env.SQ_POPPLER)

/** `pdfinfo` of the whole file, or of one page (1-based). */
export function pdfInfo(pdf: string, page?: number): string {
  return execFileSync('pdfinfo', page === undefined ? [pdf] : ['-f', String(page), '-l', String(page), pdf], { encoding: 'utf8' })
}

/** The number of pages (from `pdfInfo(pdf)`, or from its output already read). */
export function pdfPageCount(pdf: string, info = pdfInfo(pdf)): number {
  return Number(/Pages:\s+(\d+)/.exec(info)![1])
}

/** `pdffonts`: the fonts, whether embedded, subset and with a Unicode map. */
export function pdfFonts(pdf: string): string {
  return execFileSync('pdffonts', [pdf], { encoding: 'utf8' })
}

/** The text of one page (1-based), laid out as printed. */
export function pdfPageText(pdf: string, page: number): string {
  return execFileSync('pdftotext', ['-layout', '-f', String(page), '-l', String(page), pdf, '-'], { encoding: 'utf8' })
}

/** The text of every page, laid out as printed: pages[0] is page 1. */
export function pdfPages(pdf: string, count = pdfPageCount(pdf)): string[] {
  return Array.from({ length: count }, (_, i) => pdfPageText(pdf, i + 1))
}

/** The text of a whole PDF — a file's path or its bytes — laid out as printed. */
export function pdfText(pdf: string | Buffer): string {
  return typeof pdf === 'string'
    ? execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' })
    : execFileSync('pdftotext', ['-layout', '-', '-'], { input: pdf, encoding: 'utf8' })
}
