/**
 * The regulator's documents as PDF (ADR 015): A4 landscape pages of headings, paragraphs and tables in the
 * sheet model (the same cells, merges and column-number rows as the XLSX), a table continuing over pages
 * with its header repeated, «Страница N из M» and the document's title, organisation and «по состоянию
 * на» on every page, a signature block. pdfkit writes it with DejaVu Sans Condensed embedded (subset),
 * so the Cyrillic text is selectable and searchable.
 *
 * «N из M» needs M before the first page is written: the document is laid out twice from the same
 * blocks — once only measuring (counting pages), once drawing — so a table streamed from the database
 * (table 4.9) is read twice and never held in memory.
 */
import { createRequire } from 'node:module'
import path from 'node:path'
import type { Readable } from 'node:stream'
import PDFDocument from 'pdfkit'
import { type Cell, cellText } from '#reports/sheet-writer/model.ts'

const require = createRequire(import.meta.url)
const FONT_DIR = path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf')
const REGULAR = path.join(FONT_DIR, 'DejaVuSansCondensed.ttf')
const BOLD = path.join(FONT_DIR, 'DejaVuSansCondensed-Bold.ttf')

export type PdfBlock =
  | { kind: 'text'; text: string; size?: number; bold?: boolean; align?: 'left' | 'center' | 'right'; gapBefore?: number }
  | {
      kind: 'table'
      /** printed above the table, and with «(продолжение)» above its header on every further page */
      title: string
      /** relative widths (characters of the spreadsheet) */
      widths: readonly number[]
      header: readonly (readonly Cell[])[]
      /** body rows: a list, or pages of rows read from the database (called once per pass) */
      rows: readonly (readonly Cell[])[] | (() => AsyncIterable<readonly (readonly Cell[])[]>)
      /** font size of the body (header one less than that, at least 4.5) */
      size?: number
      /** rows whose words the columns must hold, for a table streamed from the database (e.g. its widest number and date) */
      sample?: readonly (readonly Cell[])[]
    }
  | { kind: 'signature'; lines: readonly { role: string; name: string }[]; note?: string }
  | { kind: 'pageBreak' }

export interface PdfDocumentSpec {
  /** the running title at the top left of every page */
  title: string
  org: string
  /** «по состоянию на …» at the bottom left of every page */
  asOf: string
  /** the PDF's metadata */
  subject?: string
  blocks: () => AsyncIterable<PdfBlock> | Iterable<PdfBlock>
}

const PAGE = { width: 841.89, height: 595.28 }
const MARGIN = { left: 28, right: 28, top: 36, bottom: 34 }
const CONTENT_WIDTH = PAGE.width - MARGIN.left - MARGIN.right
const PAD = 1.6

type Doc = PDFKit.PDFDocument

/** The parts of pdfkit's document that `text()` itself uses to write a line (not in its type definitions). */
interface PdfKitInternals {
  _font: { id: string; ascender: number; encode(text: string): [string[], unknown[]]; ref(): unknown }
  page: { fonts: Record<string, unknown> }
  addContent(data: string): void
}

const VOWELS = /[аеёиоуыэюяaeiouy]/i

/** Text measuring with a cache of word widths (register rows repeat the same words). */
class Measure {
  private readonly cache = new Map<string, number>()
  constructor(private readonly doc: Doc) {}
  width(text: string, bold: boolean, size: number): number {
    const key = `${bold ? 'B' : 'R'}${size}|${text}`
    let w = this.cache.get(key)
    if (w === undefined) {
      this.doc.font(bold ? 'B' : 'R').fontSize(size)
      w = this.doc.widthOfString(text)
      if (this.cache.size > 50_000) this.cache.clear()
      this.cache.set(key, w)
    }
    return w
  }
  /** Greedy wrapping on spaces; a word wider than the line is hyphenated. */
  lines(text: string, bold: boolean, size: number, width: number): string[] {
    const out: string[] = []
    for (const paragraph of text.split('\n')) {
      if (this.width(paragraph, bold, size) <= width) {
        out.push(paragraph)
        continue
      }
      let line = ''
      for (const word of paragraph.split(/\s+/).filter(Boolean)) {
        const candidate = line ? `${line} ${word}` : word
        if (this.width(candidate, bold, size) <= width) {
          line = candidate
          continue
        }
        if (line) out.push(line)
        if (this.width(word, bold, size) <= width) line = word
        else {
          // a word longer than the column: cut with a hyphen, after a vowel where one is near the end
          // («Идентифика-ционный»), otherwise where it no longer fits
          // (only words of letters: a number or a code such as «О-2025-000038» is cut without an added hyphen)
          const hyphen = /^\p{L}+$/u.test(word) ? '-' : ''
          let part = ''
          for (const ch of word) {
            if (this.width(`${part}${ch}${hyphen}`, bold, size) > width && part.length > 1) {
              let cut = part.length
              for (let i = part.length - 1; hyphen && i >= Math.max(2, part.length - 4); i--) {
                if (VOWELS.test(part[i - 1]!) && !VOWELS.test(part[i]!)) {
                  cut = i
                  break
                }
              }
              out.push(`${part.slice(0, cut)}${hyphen}`)
              part = part.slice(cut)
            }
            part += ch
          }
          line = part
        }
      }
      out.push(line)
    }
    return out
  }
}

interface Placed {
  col: number
  cols: number
  rows: number
  cell: Cell
}

/** Header rows with their merges placed at columns (positions covered by rowspans above skipped). */
function placeHeader(header: readonly (readonly Cell[])[]): Placed[][] {
  const covered = new Set<string>()
  return header.map((row, r) => {
    const out: Placed[] = []
    let col = 0
    for (const cell of row) {
      while (covered.has(`${r}:${col}`)) col++
      const cols = Math.max(1, cell.colspan ?? 1)
      const rows = Math.max(1, cell.rowspan ?? 1)
      for (let k = 1; k < rows; k++) for (let c = col; c < col + cols; c++) covered.add(`${r + k}:${c}`)
      out.push({ col, cols, rows, cell })
      col += cols
    }
    return out
  })
}

const numeric = (cell: Cell) => typeof cell.v === 'number' || cell.s === 'center' || cell.s?.startsWith('count') || cell.s?.startsWith('decimal')
const boldCell = (cell: Cell) => cell.s === 'head' || cell.s === 'textBold' || cell.s === 'countBold' || cell.s === 'decimalBold' || cell.s === 'title'

class Layout {
  page = 0
  y = 0
  private readonly measure: Measure
  constructor(
    private readonly doc: Doc,
    private readonly spec: PdfDocumentSpec,
    private readonly draw: boolean,
    private readonly total: number,
  ) {
    this.measure = new Measure(doc)
  }

  private text(text: string, x: number, y: number, opts: { bold?: boolean; size: number; width?: number; align?: 'left' | 'center' | 'right' }) {
    if (!this.draw || !text) return
    this.doc.font(opts.bold ? 'B' : 'R').fontSize(opts.size)
    let dx = 0
    if (opts.width !== undefined && opts.align && opts.align !== 'left') {
      const w = this.measure.width(text, Boolean(opts.bold), opts.size)
      dx = opts.align === 'center' ? (opts.width - w) / 2 : opts.width - w
    }
    this.fragment(text, x + Math.max(0, dx), y, opts.size)
  }

  /**
   * One line of text as a single text object — what pdfkit's `text()` writes for a line without options
   * (its glyphs through the embedded font's encoder, so the subset and the Unicode map know them), less
   * its line-breaking and option handling, which cost more than the drawing for 10⁶ register rows.
   */
  private fragment(text: string, x: number, y: number, size: number) {
    const doc = this.doc as unknown as PdfKitInternals
    const font = doc._font
    const [encoded] = font.encode(text)
    if (doc.page.fonts[font.id] == null) doc.page.fonts[font.id] = font.ref()
    const baseline = PAGE.height - y - (font.ascender / 1000) * size
    doc.addContent(`q 1 0 0 -1 0 ${PAGE.height} cm BT 1 0 0 1 ${x.toFixed(2)} ${baseline.toFixed(2)} Tm /${font.id} ${size} Tf [<${encoded.join('')}>] TJ ET Q`)
  }

  newPage() {
    this.page++
    this.y = MARGIN.top
    if (!this.draw) return
    this.doc.addPage({ size: 'A4', layout: 'landscape', margin: 0 })
    const small = 7
    this.text(this.spec.title, MARGIN.left, 16, { size: small })
    this.text(this.spec.org, MARGIN.left, 16, { size: small, width: CONTENT_WIDTH, align: 'right' })
    this.text(`по состоянию на ${this.spec.asOf}`, MARGIN.left, PAGE.height - 22, { size: small })
    this.text(`Страница ${this.page} из ${this.total}`, MARGIN.left, PAGE.height - 22, { size: small, width: CONTENT_WIDTH, align: 'right' })
    this.doc.lineWidth(0.4)
  }

  get room() {
    return PAGE.height - MARGIN.bottom - this.y
  }

  ensure(height: number) {
    if (this.page === 0 || height > this.room) this.newPage()
  }

  paragraph(b: Extract<PdfBlock, { kind: 'text' }>) {
    const size = b.size ?? 9
    const lines = this.measure.lines(b.text, Boolean(b.bold), size, CONTENT_WIDTH)
    const lineHeight = size * 1.25
    if (this.page === 0) this.newPage()
    this.y += b.gapBefore ?? 0
    for (const line of lines) {
      this.ensure(lineHeight)
      this.text(line, MARGIN.left, this.y, { size, bold: b.bold, width: CONTENT_WIDTH, align: b.align })
      this.y += lineHeight
    }
  }

  async table(b: Extract<PdfBlock, { kind: 'table' }>) {
    const size = b.size ?? 7
    const headSize = Math.max(4.5, size - 1)
    const columnWidths = this.columnWidths(b, size, headSize)
    const xs: number[] = [MARGIN.left]
    for (const w of columnWidths) xs.push(xs.at(-1)! + w)
    const spanWidth = (col: number, cols: number) => xs[col + cols]! - xs[col]!
    const lineHeight = (s: number) => s * 1.18

    // a header cell whose longest word is wider than its column is set smaller (down to 3.5 pt) rather than
    // broken mid-word («Идентифика-ционный» in the 31 narrow columns of 4.9)
    const widest = (text: string) => Math.max(0, ...text.split(/\s+/).map((word) => this.measure.width(word, true, headSize)))
    const headSizeOf = (p: Placed) => {
      const room = spanWidth(p.col, p.cols) - 2 * PAD
      const need = widest(cellText(p.cell)) * 1.02
      return need <= room ? headSize : Math.max(3.5, (headSize * room) / need)
    }
    // the header: row heights so that every cell's text fits, merged cells spread over their rows
    const placed = placeHeader(b.header)
    const heights = placed.map((row) =>
      Math.max(
        lineHeight(headSize) + 2 * PAD,
        ...row
          .filter((p) => p.rows === 1)
          .map(
            (p) => this.measure.lines(cellText(p.cell), true, headSizeOf(p), spanWidth(p.col, p.cols) - 2 * PAD).length * lineHeight(headSizeOf(p)) + 2 * PAD,
          ),
      ),
    )
    for (const [r, row] of placed.entries()) {
      for (const p of row.filter((q) => q.rows > 1)) {
        const need = this.measure.lines(cellText(p.cell), true, headSizeOf(p), spanWidth(p.col, p.cols) - 2 * PAD).length * lineHeight(headSizeOf(p)) + 2 * PAD
        const have = heights.slice(r, r + p.rows).reduce((a, c) => a + c, 0)
        if (need > have) heights[r + p.rows - 1]! += need - have
      }
    }
    const headerHeight = heights.reduce((a, c) => a + c, 0)
    const titleSize = 9
    const titleLines = this.measure.lines(b.title, true, titleSize, CONTENT_WIDTH)
    const titleHeight = titleLines.length * lineHeight(titleSize) + 4

    const drawHeader = (continued: boolean) => {
      const lines = continued ? this.measure.lines(`${b.title} (продолжение)`, true, titleSize, CONTENT_WIDTH) : titleLines
      for (const line of lines) {
        this.text(line, MARGIN.left, this.y, { size: titleSize, bold: true })
        this.y += lineHeight(titleSize)
      }
      this.y += 4
      let top = this.y
      for (const [r, row] of placed.entries()) {
        for (const p of row) {
          const x = xs[p.col]!
          const w = spanWidth(p.col, p.cols)
          const h = heights.slice(r, r + p.rows).reduce((a, c) => a + c, 0)
          if (this.draw) this.doc.rect(x, top, w, h).stroke()
          const cellSize = headSizeOf(p)
          const lines = this.measure.lines(cellText(p.cell), true, cellSize, w - 2 * PAD)
          let ty = top + (h - lines.length * lineHeight(cellSize)) / 2
          for (const line of lines) {
            this.text(line, x + PAD, ty, { size: cellSize, bold: p.cell.s === 'head', width: w - 2 * PAD, align: 'center' })
            ty += lineHeight(cellSize)
          }
        }
        top += heights[r]!
      }
      this.y = top
    }

    const bodyRow = (row: readonly Cell[]) => {
      let col = 0
      const cells = row.map((cell) => {
        const cols = Math.max(1, cell.colspan ?? 1)
        const p = { col, cols, cell, lines: this.measure.lines(cellText(cell), boldCell(cell), size, spanWidth(col, cols) - 2 * PAD) }
        col += cols
        return p
      })
      const h = Math.max(1, ...cells.map((c) => c.lines.length)) * lineHeight(size) + 2 * PAD
      return { cells, h, columns: col }
    }

    // a table that fits on a page is not split: it starts on a new page when the rest of this one is too
    // short; a longer one starts where there is room for its title, header and two rows
    const fullPage = PAGE.height - MARGIN.bottom - MARGIN.top
    const whole = typeof b.rows === 'function' ? Infinity : titleHeight + headerHeight + b.rows.reduce((a, row) => a + bodyRow(row).h, 0)
    this.ensure(whole <= fullPage ? whole : titleHeight + headerHeight + 2 * (lineHeight(size) + 2 * PAD))
    drawHeader(false)
    const emit = (row: readonly Cell[]) => {
      const r = bodyRow(row)
      if (r.h > this.room) {
        this.newPage()
        drawHeader(true)
      }
      if (this.draw) {
        for (const c of r.cells) {
          const x = xs[c.col]!
          const w = spanWidth(c.col, c.cols)
          this.doc.rect(x, this.y, w, r.h).stroke()
          let ty = this.y + PAD
          const align = numeric(c.cell) ? (c.cell.s === 'center' ? 'center' : 'right') : 'left'
          for (const line of c.lines) {
            this.text(line, x + PAD, ty, { size, bold: boldCell(c.cell), width: w - 2 * PAD, align })
            ty += lineHeight(size)
          }
        }
        // the columns a short row leaves empty still have their borders
        for (let c = r.columns; c < b.widths.length; c++) this.doc.rect(xs[c]!, this.y, spanWidth(c, 1), r.h).stroke()
      }
      this.y += r.h
    }
    if (typeof b.rows === 'function') {
      for await (const page of b.rows()) {
        for (const row of page) emit(row)
        this.trimCaches()
        await this.backPressure()
      }
    } else for (const row of b.rows) emit(row)
    this.y += 8
  }

  /**
   * Column widths on the page: the template's proportions, widened where the longest word of the
   * column's own header cells (and of its body cells, or the sample of a streamed table) would not fit;
   * words break in the middle only on a table whose words alone are wider than the page.
   */
  columnWidths(b: Extract<PdfBlock, { kind: 'table' }>, size: number, headSize: number): number[] {
    const n = b.widths.length
    // hard minimum: the body's words (numbers, dates) never break; soft: the header's words
    const hard = new Array<number>(n).fill(0)
    const soft = new Array<number>(n).fill(0)
    const words = (text: string, bold: boolean, s: number) => Math.max(0, ...text.split(/\s+/).map((w) => this.measure.width(w, bold, s)))
    for (const row of placeHeader(b.header))
      for (const p of row) if (p.cols === 1) soft[p.col] = Math.max(soft[p.col]!, words(cellText(p.cell), true, headSize) * 1.04 + 2 * PAD)
    for (const row of typeof b.rows === 'function' ? (b.sample ?? []) : b.rows) {
      let col = 0
      for (const cell of row) {
        const cols = Math.max(1, cell.colspan ?? 1)
        if (cols === 1 && col < n) hard[col] = Math.max(hard[col]!, words(cellText(cell), boldCell(cell), size) * 1.04 + 2 * PAD)
        col += cols
      }
    }
    const sum = (xs: readonly number[]) => xs.reduce((a, c) => a + c, 0)
    const min = soft.map((w, c) => Math.max(w, hard[c]!))
    const base = sum(min)
    const total = sum(b.widths)
    const wanted = b.widths.map((w, c) => Math.max((w / total) * CONTENT_WIDTH, min[c]!))
    if (base > CONTENT_WIDTH) {
      // the header's words do not all fit: the body's words keep their room, the rest is shared by what
      // each column wants (its share of the template or its header's longest word)
      const fixed = sum(hard)
      if (fixed >= CONTENT_WIDTH) return hard.map((w) => (w / fixed) * CONTENT_WIDTH)
      const k = (CONTENT_WIDTH - fixed) / (sum(wanted) - fixed)
      return wanted.map((w, c) => hard[c]! + (w - hard[c]!) * k)
    }
    // each column gets its longest word, and the rest of the page is shared in the template's proportions
    // (a column already wider than its share by its word takes no more)
    const extra = wanted.reduce((a, w, c) => a + (w - min[c]!), 0)
    const k = extra > 0 ? Math.min(1, (CONTENT_WIDTH - base) / extra) : 0
    const out = wanted.map((w, c) => min[c]! + (w - min[c]!) * k)
    const width = sum(out)
    return out.map((w) => (w / width) * CONTENT_WIDTH)
  }

  signature(b: Extract<PdfBlock, { kind: 'signature' }>) {
    const rowHeight = 26
    this.ensure(rowHeight * (b.lines.length + 1) + 20)
    this.y += 14
    const col = [MARGIN.left, MARGIN.left + 250, MARGIN.left + 470, MARGIN.left + 620]
    for (const line of b.lines) {
      this.text(line.role, col[0]!, this.y, { size: 9 })
      this.text(line.name, col[1]!, this.y, { size: 9 })
      if (this.draw) {
        this.doc
          .moveTo(col[2]!, this.y + 10)
          .lineTo(col[2]! + 130, this.y + 10)
          .stroke()
        this.doc
          .moveTo(col[3]!, this.y + 10)
          .lineTo(col[3]! + 140, this.y + 10)
          .stroke()
      }
      this.text('(подпись)', col[2]!, this.y + 12, { size: 6.5, width: 130, align: 'center' })
      this.text('(дата)', col[3]!, this.y + 12, { size: 6.5, width: 140, align: 'center' })
      this.y += rowHeight
    }
    if (b.note) {
      this.text(b.note, MARGIN.left, this.y, { size: 8 })
      this.y += 12
    }
  }

  /**
   * pdfkit keeps the glyph layout of every distinct string it has measured or encoded, for ever: with a
   * registration number per row that is kilobytes per row of 4.9 (4 GB for 10⁶ rows). Emptied between pages
   * of rows; the common words are laid out again at once.
   */
  trimCaches() {
    const families = (this.doc as unknown as { _fontFamilies?: Record<string, { layoutCache?: Record<string, unknown> }> })._fontFamilies ?? {}
    for (const font of Object.values(families)) if (font.layoutCache) font.layoutCache = Object.create(null) as Record<string, unknown>
  }

  /** Lets the reader catch up when the PDF is written faster than it is read (a download). */
  async backPressure() {
    if (!this.draw) return
    while (this.doc.readableLength > 8 * 2 ** 20 && !this.doc.destroyed) await new Promise((resolve) => setTimeout(resolve, 5))
  }

  async run() {
    for await (const b of this.spec.blocks()) {
      if (b.kind === 'text') this.paragraph(b)
      else if (b.kind === 'table') await this.table(b)
      else if (b.kind === 'signature') this.signature(b)
      else if (this.page > 0) this.newPage()
    }
    if (this.page === 0) this.newPage()
  }
}

/** The PDF as a stream; an error ends it (a broken download rather than a truncated document). */
export function writePdf(spec: PdfDocumentSpec): Readable {
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: 0,
    autoFirstPage: false,
    bufferPages: false,
    compress: true,
    lang: 'ru-RU',
    displayTitle: true,
    info: { Title: spec.title, Author: spec.org, Subject: spec.subject ?? spec.title, Creator: 'Качество обслуживания' },
  })
  doc.registerFont('R', REGULAR)
  doc.registerFont('B', BOLD)
  void (async () => {
    const count = new Layout(doc, spec, false, 0)
    await count.run()
    await new Layout(doc, spec, true, count.page).run()
    doc.end()
  })().catch((error: unknown) => doc.destroy(error as Error))
  return doc as unknown as Readable
}
