/**
 * The streamed spreadsheet writer (ADR 011, ADR 026; its API in README.md beside this file): one sheet model —
 * rows of cells with a few named styles, HTML-like `colspan`/`rowspan` merges, column widths, frozen header
 * rows — written as XLSX (SpreadsheetML) or ODS (OpenDocument) straight into a zip stream. Rows are
 * serialised to text and flushed with back-pressure, so a million-row table passes through in constant
 * memory at the speed of deflate (exceljs, which builds a cell object per value, wrote ≈ 10–20 k rows/s).
 * Every file the product writes goes through it; exceljs stays only for reading uploads.
 *
 * Text cells are always written as text (`inlineStr`, `office:value-type="string"`), never as a formula, so a
 * value such as «=1+1» or «+7 912 …» is stored as it is (reports/export/formula.ts, ADR 014).
 */
import { once } from 'node:events'
import { PassThrough, type Readable } from 'node:stream'
import archiver from 'archiver'
import { type Cell, type CellStyle, EPOCH_SERIAL, STYLES, cellText } from './model.ts'

export type { Cell, CellStyle }

export type SheetFormat = 'xlsx' | 'ods'

/**
 * How a sheet prints (issue 15): A4 in the orientation chosen for the sheet, scaled to the page's width,
 * the header rows (with the column-number row) repeated on every page, the form's title and the
 * organisation in the page header, «Страница N из M» in the footer; the print area is the written range.
 */
export interface PrintSpec {
  orientation: 'portrait' | 'landscape'
  /** 1-based first and last row repeated at the top of every printed page */
  repeatRows?: readonly [number, number]
  /** the page header: left the form's title, right the organisation */
  title?: string
  org?: string
}

export interface SheetSpec {
  name: string
  /** column widths in characters */
  widths: readonly number[]
  /** rows kept in view when scrolling */
  freezeRows?: number
  /** print set-up; without it: portrait, fit to width, page numbers */
  print?: PrintSpec
  /**
   * Leave row heights to the spreadsheet (XLSX: no `ht` written; Excel and LibreOffice fit a row of wrapped
   * text themselves). For sheets without merges; a merged cell is never fitted, so forms keep the estimate.
   */
  autoHeight?: boolean
}

export interface SheetOut {
  /** Appends a row; positions covered by an earlier rowspan are skipped, as in an HTML table. */
  row(cells: readonly Cell[], height?: number): Promise<void>
  end(): Promise<void>
}

export interface BookOut {
  stream: Readable
  /**
   * The writer of the next declared sheet (sheets are written in the order declared; end one before the
   * next). XLSX also takes a sheet declared only now (`spec`), e.g. a register continuing past 1 048 576 rows;
   * ODS needs every sheet declared up front.
   */
  next(spec?: SheetSpec): Promise<SheetOut>
  finish(): Promise<void>
}

/** Excel's cell text limit; longer text is cut with a visible mark. */
const MAX_TEXT = 32_767
const FLUSH_AT = 1 << 18

export const MAX_ROWS_PER_SHEET = 1_048_576

// eslint-disable-next-line no-control-regex
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g

export function xmlText(value: string): string {
  let text = value.replace(INVALID_XML, '')
  if (text.length > MAX_TEXT) text = `${text.slice(0, MAX_TEXT - 20)}… (текст сокращён)`
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

/** Sheet names: at most 31 characters, none of `[]:*?/\`, unique. */
export function sheetNames(specs: readonly SheetSpec[]): string[] {
  const seen = new Set<string>()
  return specs.map((spec) => {
    const base =
      spec.name
        .replace(/[[\]:*?/\\]/g, ' ')
        .trim()
        .slice(0, 31) || 'Лист'
    let name = base
    for (let i = 2; seen.has(name.toLowerCase()); i++) name = `${base.slice(0, 31 - String(i).length - 1)} ${i}`
    seen.add(name.toLowerCase())
    return name
  })
}

const COLUMN_NAMES: string[] = []

/** Column letters of a 0-based index: 0 → A, 26 → AA. */
export function columnName(index: number): string {
  return (COLUMN_NAMES[index] ??= columnLetters(index))
}

function columnLetters(index: number): string {
  let n = index + 1
  let out = ''
  while (n > 0) {
    const r = (n - 1) % 26
    out = String.fromCharCode(65 + r) + out
    n = Math.floor((n - 1) / 26)
  }
  return out
}

/** Styles whose text wraps inside its cell, so a long text needs a taller row (LibreOffice and Excel do not grow a row of a written height). */
const WRAPPED: ReadonlySet<CellStyle> = new Set(['head', 'text', 'textBold', 'title', 'plain'])
const LINE_HEIGHT = 15

/**
 * The height a row needs for its wrapped text, in points (undefined: one line). Characters per line are
 * estimated from the column widths (a width is in characters of the default font; bold and headings
 * take more room); cells spanning rows are left to the rows they span.
 */
export function rowHeightFor(placed: readonly { col: number; cell?: Cell }[], widths: readonly number[]): number | undefined {
  let lines = 1
  for (const p of placed) {
    const cell = p.cell
    if (!cell || typeof cell.v !== 'string' || (cell.rowspan ?? 1) > 1) continue
    const style = cell.s ?? 'plain'
    if (!WRAPPED.has(style)) continue
    let width = 0
    for (let c = p.col; c < p.col + (cell.colspan ?? 1); c++) width += widths[c] ?? 10
    const factor = style === 'head' || style === 'textBold' ? 1.2 : style === 'title' ? 1.3 : 1.08
    const perLine = Math.max(4, width - 1.5)
    let n = 0
    for (const line of cell.v.split('\n')) n += Math.max(1, Math.ceil((line.length * factor) / perLine))
    if (n > lines) lines = n
  }
  return lines > 1 ? lines * LINE_HEIGHT + 2 : undefined
}

/** A header/footer text of SpreadsheetML: `&` doubled, XML-escaped. */
function headerText(text: string): string {
  return xmlText(text.replace(/&/g, '&&'))
}

/** A sheet name quoted for a defined name (`'4.1'!$A$1:…`). */
function quotedSheet(name: string): string {
  return `'${name.replace(/'/g, "''")}'`
}

/** A row's cells at their columns, with the covered positions of merges (carried between rows). */
interface Placed {
  col: number
  cell?: Cell
  /** a position covered by a merge; `style` of the merge's first cell, so borders draw */
  covered?: CellStyle
}

class MergeLayout {
  private readonly pending = new Map<number, Map<number, CellStyle>>()
  readonly merges: { row: number; col: number; rows: number; cols: number }[] = []
  rowIndex = 0

  place(cells: readonly Cell[]): Placed[] {
    // the common case (every body row of a register): nothing carried down, nothing spanned
    if (this.pending.size === 0 && cells.every((c) => (c.colspan ?? 1) === 1 && (c.rowspan ?? 1) === 1)) {
      this.rowIndex++
      return cells.map((cell, col) => ({ col, cell }))
    }
    const row = this.rowIndex++
    const coveredHere = this.pending.get(row) ?? new Map<number, CellStyle>()
    this.pending.delete(row)
    const out: Placed[] = []
    let col = 0
    for (const cell of cells) {
      while (coveredHere.has(col)) {
        out.push({ col, covered: coveredHere.get(col)! })
        coveredHere.delete(col)
        col++
      }
      const cols = Math.max(1, cell.colspan ?? 1)
      const rows = Math.max(1, cell.rowspan ?? 1)
      out.push({ col, cell })
      const style = cell.s ?? 'plain'
      if (cols > 1 || rows > 1) {
        this.merges.push({ row, col, rows, cols })
        for (let c = col + 1; c < col + cols; c++) out.push({ col: c, covered: style })
        for (let r = row + 1; r < row + rows; r++) {
          const later = this.pending.get(r) ?? new Map<number, CellStyle>()
          for (let c = col; c < col + cols; c++) later.set(c, style)
          this.pending.set(r, later)
        }
      }
      col += cols
    }
    for (const [c, style] of [...coveredHere].sort((a, b) => a[0] - b[0])) out.push({ col: c, covered: style })
    return out.sort((a, b) => a.col - b.col)
  }
}

/** Set when the file's reader went away (a download cancelled): writing stops instead of waiting for ever. */
interface Abort {
  aborted: boolean
  closed: Promise<void>
}

/** A text stream written in large chunks, waiting when the zip is behind. */
class Chunked {
  private buffer = ''
  constructor(
    readonly out: PassThrough,
    private readonly abort: Abort,
  ) {}
  write(text: string): Promise<void> | undefined {
    if (this.abort.aborted) throw new Error('the file is no longer read')
    this.buffer += text
    return this.buffer.length >= FLUSH_AT ? this.flush() : undefined
  }
  async flush(): Promise<void> {
    if (!this.buffer) return
    const ok = this.out.write(this.buffer)
    this.buffer = ''
    if (!ok) await Promise.race([once(this.out, 'drain'), this.abort.closed])
    if (this.abort.aborted) throw new Error('the file is no longer read')
  }
  async end(): Promise<void> {
    await this.flush()
    this.out.end()
  }
}

function startZip() {
  const archive = archiver('zip', { zlib: { level: 3 } })
  const stream = new PassThrough()
  let finished = false
  const abort: Abort = {
    aborted: false,
    closed: new Promise((resolve) =>
      stream.once('close', () => {
        if (!finished) abort.aborted = true
        resolve()
      }),
    ),
  }
  stream.once('end', () => (finished = true))
  archive.on('error', (error) => stream.destroy(error))
  archive.on('warning', (error) => stream.destroy(error))
  archive.pipe(stream)
  return { archive, stream, abort }
}

// ---------------------------------------------------------------------------------------------- XLSX

const XLSX_STYLE_ID: Record<CellStyle, number> = STYLES.reduce((acc, s, i) => ({ ...acc, [s]: i }), {} as Record<CellStyle, number>)

const XLSX_STYLES = (() => {
  // fonts: 0 regular, 1 bold, 2 bold 12, 3 italic 9; borders: 0 none, 1 thin
  const xf = (font: number, border: number, numFmt: number, align: string) =>
    `<xf numFmtId="${numFmt}" fontId="${font}" fillId="0" borderId="${border}" xfId="0" applyFont="1" applyBorder="1"${numFmt ? ' applyNumberFormat="1"' : ''} applyAlignment="1"><alignment ${align}/></xf>`
  const top = 'vertical="top" wrapText="1"'
  const byStyle: Record<CellStyle, string> = {
    plain: xf(0, 0, 0, 'vertical="top" wrapText="1"'),
    title: xf(2, 0, 0, 'vertical="top" wrapText="1"'),
    caption: xf(3, 0, 0, 'horizontal="center" vertical="top"'),
    head: xf(1, 1, 0, 'horizontal="center" vertical="center" wrapText="1"'),
    text: xf(0, 1, 0, top),
    textBold: xf(1, 1, 0, top),
    center: xf(0, 1, 0, 'horizontal="center" vertical="top"'),
    count: xf(0, 1, 3, 'vertical="top"'),
    countBold: xf(1, 1, 3, 'vertical="top"'),
    decimal: xf(0, 1, 164, 'vertical="top"'),
    decimalBold: xf(1, 1, 164, 'vertical="top"'),
    dateTime: xf(0, 1, 165, 'horizontal="center" vertical="top"'),
    duration: xf(0, 1, 166, 'vertical="top"'),
    share: xf(0, 1, 167, 'vertical="top"'),
    score: xf(0, 1, 168, 'vertical="top"'),
    points: xf(0, 1, 169, 'vertical="top"'),
    number: xf(0, 1, 0, 'vertical="top"'),
  }
  const font = (extra: string, size: number) => `<font>${extra}<sz val="${size}"/><name val="Calibri"/><family val="2"/><charset val="204"/></font>`
  const side = (name: string) => `<${name} style="thin"><color auto="1"/></${name}>`
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' +
    '<numFmts count="6"><numFmt numFmtId="164" formatCode="0.0"/><numFmt numFmtId="165" formatCode="dd.mm.yyyy hh:mm"/>' +
    '<numFmt numFmtId="166" formatCode="[h]:mm:ss"/><numFmt numFmtId="167" formatCode="0.0%"/><numFmt numFmtId="168" formatCode="0.00"/>' +
    '<numFmt numFmtId="169" formatCode="+0.0;-0.0;0"/></numFmts>' +
    `<fonts count="4">${font('', 11)}${font('<b/>', 11)}${font('<b/>', 12)}${font('<i/>', 9)}</fonts>` +
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
    `<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border><border>${side('left')}${side('right')}${side('top')}${side('bottom')}<diagonal/></border></borders>` +
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
    `<cellXfs count="${STYLES.length}">${STYLES.map((s) => byStyle[s]).join('')}</cellXfs>` +
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
    '</styleSheet>'
  )
})()

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
const SML = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'

function xlsxCell(ref: string, p: Placed): string {
  if (p.covered !== undefined) return p.covered === 'plain' ? '' : `<c r="${ref}" s="${XLSX_STYLE_ID[p.covered]}"/>`
  const cell = p.cell!
  const s = XLSX_STYLE_ID[cell.s ?? 'plain']
  if (cell.v === null || cell.v === '') return s ? `<c r="${ref}" s="${s}"/>` : ''
  if (typeof cell.v === 'number') return Number.isFinite(cell.v) ? `<c r="${ref}" s="${s}"><v>${cell.v}</v></c>` : `<c r="${ref}" s="${s}"/>`
  return `<c r="${ref}" s="${s}" t="inlineStr"><is><t xml:space="preserve">${xmlText(cell.v)}</t></is></c>`
}

function xlsxBook(declared: readonly SheetSpec[]): BookOut {
  const { archive, stream, abort } = startZip()
  const specs = [...declared]
  let index = 0
  const sheetFile = (i: number) => `xl/worksheets/sheet${i + 1}.xml`
  // the package parts that list the sheets are written last: a sheet may be declared while writing, and the
  // print areas need each sheet's row count (the order of a zip's entries does not matter to XLSX readers)
  const usedRows: number[] = []
  const packageParts = () => {
    const names = sheetNames(specs)
    const files = names.map((_, i) => sheetFile(i))
    archive.append(
      XML_HEAD +
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' +
        files.map((f) => `<Override PartName="/${f}" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`).join('') +
        '</Types>',
      { name: '[Content_Types].xml' },
    )
    archive.append(
      `${XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
      { name: '_rels/.rels' },
    )
    archive.append(
      `${XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
        files.map((f, i) => `<Relationship Id="rId${i + 1}" Type="${REL}/worksheet" Target="${f.slice(3)}"/>`).join('') +
        `<Relationship Id="rId${names.length + 1}" Type="${REL}/styles" Target="styles.xml"/></Relationships>`,
      { name: 'xl/_rels/workbook.xml.rels' },
    )
    const defined: string[] = []
    specs.forEach((spec, i) => {
      const sheet = quotedSheet(names[i]!)
      const rows = spec.print?.repeatRows
      if (rows) defined.push(`<definedName name="_xlnm.Print_Titles" localSheetId="${i}">${xmlText(`${sheet}!$${rows[0]}:$${rows[1]}`)}</definedName>`)
      if ((usedRows[i] ?? 0) > 0 && spec.widths.length)
        defined.push(
          `<definedName name="_xlnm.Print_Area" localSheetId="${i}">${xmlText(`${sheet}!$A$1:$${columnName(spec.widths.length - 1)}$${usedRows[i]}`)}</definedName>`,
        )
    })
    archive.append(
      `${XML_HEAD}<workbook xmlns="${SML}" xmlns:r="${REL}"><bookViews><workbookView/></bookViews><sheets>` +
        names.map((n, i) => `<sheet name="${xmlText(n)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('') +
        `</sheets>${defined.length ? `<definedNames>${defined.join('')}</definedNames>` : ''}</workbook>`,
      { name: 'xl/workbook.xml' },
    )
  }
  archive.append(XLSX_STYLES, { name: 'xl/styles.xml' })

  return {
    stream,
    async next(extra) {
      const i = index++
      if (extra) specs.splice(i, 0, extra)
      const spec = specs[i]
      if (!spec) throw new Error('no more sheets declared')
      const out = new Chunked(new PassThrough(), abort)
      archive.append(out.out, { name: sheetFile(i) })
      const layout = new MergeLayout()
      const freeze = spec.freezeRows ?? 0
      await out.write(
        `${XML_HEAD}<worksheet xmlns="${SML}" xmlns:r="${REL}"><sheetPr><pageSetUpPr fitToPage="1"/></sheetPr><sheetViews><sheetView workbookViewId="0">` +
          (freeze ? `<pane ySplit="${freeze}" topLeftCell="A${freeze + 1}" activePane="bottomLeft" state="frozen"/>` : '') +
          '</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>' +
          (spec.widths.length
            ? `<cols>${spec.widths.map((w, c) => `<col min="${c + 1}" max="${c + 1}" width="${w}" customWidth="1"/>`).join('')}</cols>`
            : '') +
          '<sheetData>',
      )
      return {
        row(cells, height) {
          const r = layout.rowIndex + 1
          const placed = layout.place(cells)
          const ht = height ?? (spec.autoHeight ? undefined : rowHeightFor(placed, spec.widths))
          let xml = `<row r="${r}"${ht ? ` ht="${ht}" customHeight="1"` : ''}>`
          for (const p of placed) xml += xlsxCell(`${columnName(p.col)}${r}`, p)
          return out.write(`${xml}</row>`) ?? Promise.resolve()
        },
        async end() {
          const merges = layout.merges.map((m) => `<mergeCell ref="${columnName(m.col)}${m.row + 1}:${columnName(m.col + m.cols - 1)}${m.row + m.rows}"/>`)
          usedRows[i] = layout.rowIndex
          await out.write(
            `</sheetData>${merges.length ? `<mergeCells count="${merges.length}">${merges.join('')}</mergeCells>` : ''}${xlsxPrint(spec.print)}</worksheet>`,
          )
          await out.end()
        },
      }
    },
    async finish() {
      packageParts()
      await archive.finalize()
    },
  }
}

/** Margins (inches: 1 cm ≈ 0.39), A4, fit to one page wide and as many pages down as it takes, header and footer. */
function xlsxPrint(print: PrintSpec | undefined): string {
  const orientation = print?.orientation ?? 'portrait'
  const left = print?.title ? `&amp;L&amp;8${headerText(print.title)}` : ''
  const right = print?.org ? `&amp;R&amp;8${headerText(print.org)}` : ''
  return (
    '<printOptions horizontalCentered="1"/>' +
    '<pageMargins left="0.4" right="0.4" top="0.6" bottom="0.6" header="0.25" footer="0.25"/>' +
    `<pageSetup paperSize="9" orientation="${orientation}" fitToWidth="1" fitToHeight="0"/>` +
    `<headerFooter>${left || right ? `<oddHeader>${left}${right}</oddHeader>` : ''}<oddFooter>&amp;C&amp;8Страница &amp;P из &amp;N</oddFooter></headerFooter>`
  )
}

// ---------------------------------------------------------------------------------------------- ODS

const ODS_NS =
  'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" ' +
  'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" ' +
  'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" ' +
  'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" xmlns:loext="urn:org:documentfoundation:names:experimental:office:xmlns:loext:1.0" office:version="1.2"'

function odsCellStyles(): string {
  const border = 'fo:border="0.5pt solid #000000"'
  const style = (
    name: string,
    opts: { border?: boolean; bold?: boolean; italic?: boolean; size?: number; align?: string; valign?: string; wrap?: boolean; data?: string },
  ) =>
    `<style:style style:name="${name}" style:family="table-cell"${opts.data ? ` style:data-style-name="${opts.data}"` : ''}>` +
    `<style:table-cell-properties${opts.border ? ` ${border}` : ''} style:vertical-align="${opts.valign ?? 'top'}"${opts.wrap ? ' fo:wrap-option="wrap"' : ''}/>` +
    (opts.align ? `<style:paragraph-properties fo:text-align="${opts.align}"/>` : '') +
    `<style:text-properties${opts.bold ? ' fo:font-weight="bold"' : ''}${opts.italic ? ' fo:font-style="italic"' : ''}${opts.size ? ` fo:font-size="${opts.size}pt"` : ''}/>` +
    '</style:style>'
  const byStyle: Record<CellStyle, string> = {
    plain: style('ce-plain', { wrap: true }),
    title: style('ce-title', { bold: true, size: 12, wrap: true }),
    caption: style('ce-caption', { italic: true, size: 9, align: 'center' }),
    head: style('ce-head', { border: true, bold: true, align: 'center', valign: 'middle', wrap: true }),
    text: style('ce-text', { border: true, wrap: true }),
    textBold: style('ce-textBold', { border: true, wrap: true, bold: true }),
    center: style('ce-center', { border: true, align: 'center' }),
    count: style('ce-count', { border: true, data: 'N0', align: 'end' }),
    countBold: style('ce-countBold', { border: true, data: 'N0', align: 'end', bold: true }),
    decimal: style('ce-decimal', { border: true, data: 'N1', align: 'end' }),
    decimalBold: style('ce-decimalBold', { border: true, data: 'N1', align: 'end', bold: true }),
    dateTime: style('ce-dateTime', { border: true, data: 'DT', align: 'center' }),
    duration: style('ce-duration', { border: true, data: 'DU', align: 'end' }),
    share: style('ce-share', { border: true, data: 'PC', align: 'end' }),
    score: style('ce-score', { border: true, data: 'N2', align: 'end' }),
    points: style('ce-points', { border: true, data: 'NP', align: 'end' }),
    number: style('ce-number', { border: true, align: 'end' }),
  }
  const n = (places: number) => `<number:number number:decimal-places="${places}" number:min-integer-digits="1"/>`
  return (
    '<number:date-style style:name="DT"><number:day number:style="long"/><number:text>.</number:text><number:month number:style="long"/><number:text>.</number:text>' +
    '<number:year number:style="long"/><number:text> </number:text><number:hours number:style="long"/><number:text>:</number:text><number:minutes number:style="long"/></number:date-style>' +
    '<number:time-style style:name="DU" number:truncate-on-overflow="false"><number:hours/><number:text>:</number:text><number:minutes number:style="long"/>' +
    '<number:text>:</number:text><number:seconds number:style="long"/></number:time-style>' +
    `<number:percentage-style style:name="PC">${n(1)}<number:text>%</number:text></number:percentage-style>` +
    `<number:number-style style:name="N2">${n(2)}</number:number-style>` +
    `<number:number-style style:name="NP0" style:volatile="true"><number:text>+</number:text>${n(1)}</number:number-style>` +
    `<number:number-style style:name="NP1" style:volatile="true"><number:text>-</number:text>${n(1)}</number:number-style>` +
    `<number:number-style style:name="NP">${n(1)}<style:map style:condition="value()&gt;0" style:apply-style-name="NP0"/>` +
    '<style:map style:condition="value()&lt;0" style:apply-style-name="NP1"/></number:number-style>' +
    '<number:number-style style:name="N0"><number:number number:decimal-places="0" number:min-integer-digits="1" number:grouping="true"/></number:number-style>' +
    '<number:number-style style:name="N1"><number:number number:decimal-places="1" number:min-integer-digits="1"/></number:number-style>' +
    STYLES.map((s) => byStyle[s]).join('')
  )
}

/** A page layout and a master page per sheet: A4 in the sheet's orientation, fit to one page wide, title and organisation above, «Страница N из M» below. */
function odsPageStyles(specs: readonly SheetSpec[]): string {
  const layouts = specs
    .map((spec, i) => {
      const landscape = spec.print?.orientation === 'landscape'
      const [w, h] = landscape ? ['29.7cm', '21cm'] : ['21cm', '29.7cm']
      return (
        `<style:page-layout style:name="pl-${i}"><style:page-layout-properties fo:page-width="${w}" fo:page-height="${h}" style:print-orientation="${landscape ? 'landscape' : 'portrait'}" ` +
        'fo:margin-left="1cm" fo:margin-right="1cm" fo:margin-top="1cm" fo:margin-bottom="1cm" style:table-centering="horizontal" style:num-format="1" style:first-page-number="continue" style:scale-to-X="1" style:scale-to-Y="0"/>' +
        '<style:header-style><style:header-footer-properties fo:min-height="0.5cm" fo:margin-bottom="0.2cm"/></style:header-style>' +
        '<style:footer-style><style:header-footer-properties fo:min-height="0.5cm" fo:margin-top="0.2cm"/></style:footer-style></style:page-layout>'
      )
    })
    .join('')
  const small = (text: string) => `<text:p><text:span text:style-name="T8">${text}</text:span></text:p>`
  const masters = specs
    .map((spec, i) => {
      const header =
        spec.print?.title || spec.print?.org
          ? `<style:header><style:region-left>${small(xmlText(spec.print?.title ?? ''))}</style:region-left><style:region-right>${small(xmlText(spec.print?.org ?? ''))}</style:region-right></style:header>`
          : '<style:header style:display="false"/>'
      return `<style:master-page style:name="mp-${i}" style:page-layout-name="pl-${i}">${header}<style:footer>${small('Страница <text:page-number>1</text:page-number> из <text:page-count>1</text:page-count>')}</style:footer></style:master-page>`
    })
    .join('')
  return `<office:automatic-styles>${layouts}<style:style style:name="T8" style:family="text"><style:text-properties fo:font-size="8pt"/></style:style></office:automatic-styles><office:master-styles>${masters}</office:master-styles>`
}

/** Number styles whose cached text (`text:p`) is the value as shown, not the bare number (a serial day means nothing to a reader). */
const ODS_SHOWN: ReadonlySet<CellStyle> = new Set(['dateTime', 'duration', 'share', 'score', 'points'])

/** A number's ODS value: a serial day as a date, a day fraction as a time, a share as a percentage, else a float. */
function odsValue(v: number, style: CellStyle | undefined): string {
  if (style === 'dateTime')
    return `office:value-type="date" office:date-value="${new Date(Math.round((v - EPOCH_SERIAL) * 86_400_000)).toISOString().slice(0, 19)}"`
  if (style === 'duration') {
    const total = Math.round(Math.abs(v) * 86_400)
    return `office:value-type="time" office:time-value="${v < 0 ? '-' : ''}PT${Math.floor(total / 3600)}H${Math.floor((total % 3600) / 60)}M${total % 60}S"`
  }
  if (style === 'share') return `office:value-type="percentage" office:value="${v}"`
  return `office:value-type="float" office:value="${v}"`
}

const odsWidth = (chars: number) => `${(chars * 0.19 + 0.1).toFixed(2)}cm`

function odsCell(p: Placed): string {
  if (p.covered !== undefined) return `<table:covered-table-cell table:style-name="ce-${p.covered}"/>`
  const cell = p.cell!
  const span = `${(cell.colspan ?? 1) > 1 ? ` table:number-columns-spanned="${cell.colspan}"` : ''}${(cell.rowspan ?? 1) > 1 ? ` table:number-rows-spanned="${cell.rowspan}"` : ''}`
  const s = `table:style-name="ce-${cell.s ?? 'plain'}"`
  if (cell.v === null || cell.v === '' || (typeof cell.v === 'number' && !Number.isFinite(cell.v))) return `<table:table-cell ${s}${span}/>`
  if (typeof cell.v === 'number')
    return `<table:table-cell ${s}${span} ${odsValue(cell.v, cell.s)}><text:p>${ODS_SHOWN.has(cell.s ?? 'plain') ? cellText(cell) : cell.v}</text:p></table:table-cell>`
  const paragraphs = xmlText(cell.v)
    .split('\n')
    .map((line) => `<text:p>${line}</text:p>`)
    .join('')
  return `<table:table-cell ${s}${span} office:value-type="string">${paragraphs}</table:table-cell>`
}

function odsBook(specs: readonly SheetSpec[]): BookOut {
  const { archive, stream, abort } = startZip()
  const names = sheetNames(specs)
  archive.append('application/vnd.oasis.opendocument.spreadsheet', { name: 'mimetype', store: true })
  archive.append(
    '<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">' +
      '<manifest:file-entry manifest:full-path="/" manifest:version="1.2" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>' +
      '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>' +
      '<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>' +
      '<manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>' +
      '</manifest:manifest>',
    { name: 'META-INF/manifest.xml' },
  )
  archive.append(`<?xml version="1.0" encoding="UTF-8"?>\n<office:document-styles ${ODS_NS}><office:styles/>${odsPageStyles(specs)}</office:document-styles>`, {
    name: 'styles.xml',
  })
  archive.append(
    `<?xml version="1.0" encoding="UTF-8"?>\n<office:document-meta ${ODS_NS}><office:meta><meta:generator>Качество обслуживания</meta:generator></office:meta></office:document-meta>`,
    {
      name: 'meta.xml',
    },
  )
  const content = new Chunked(new PassThrough(), abort)
  archive.append(content.out, { name: 'content.xml' })
  const columnStyles = specs.map((spec, i) =>
    spec.widths
      .map(
        (w, c) =>
          `<style:style style:name="co-${i}-${c}" style:family="table-column"><style:table-column-properties style:column-width="${odsWidth(w)}"/></style:style>`,
      )
      .join(''),
  )
  const opened = content.write(
    `<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content ${ODS_NS}><office:automatic-styles>${odsCellStyles()}${columnStyles.join('')}` +
      '<style:style style:name="ro-auto" style:family="table-row"><style:table-row-properties style:use-optimal-row-height="true"/></style:style>' +
      specs
        .map(
          (_, i) =>
            `<style:style style:name="ta-${i}" style:family="table" style:master-page-name="mp-${i}"><style:table-properties table:display="true"/></style:style>`,
        )
        .join('') +
      '</office:automatic-styles><office:body><office:spreadsheet>',
  )
  let index = 0
  return {
    stream,
    async next(extra) {
      await opened
      if (extra) throw new Error('an ODS book needs every sheet declared up front')
      const i = index++
      const spec = specs[i]
      if (!spec) throw new Error('no more sheets declared')
      const layout = new MergeLayout()
      const repeat = spec.print?.repeatRows
      // the print area: the sheet's columns, every row. content.xml is streamed, so the last row is not known when
      // the table opens; LibreOffice prints no empty pages past the last written row (checked), so this prints
      // exactly the written range, as the XLSX's Print_Area does
      const quoted = `$'${names[i]!.replaceAll("'", "''")}'`
      const area = spec.widths.length ? ` table:print-ranges="${xmlText(`${quoted}.$A$1:${quoted}.$${columnName(spec.widths.length - 1)}$1048576`)}"` : ''
      await content.write(
        `<table:table table:name="${xmlText(names[i]!)}" table:style-name="ta-${i}"${area}>${spec.widths.map((_, c) => `<table:table-column table:style-name="co-${i}-${c}"/>`).join('')}`,
      )
      let inHeader = false
      return {
        row(cells) {
          const r = layout.rowIndex + 1
          const placed = layout.place(cells)
          let xml = ''
          if (repeat && r === repeat[0]) {
            xml += '<table:table-header-rows>'
            inHeader = true
          }
          xml += '<table:table-row table:style-name="ro-auto">'
          let col = 0
          for (const p of placed) {
            if (p.col > col) xml += `<table:table-cell table:number-columns-repeated="${p.col - col}"/>`
            xml += odsCell(p)
            col = p.col + 1
          }
          xml += '</table:table-row>'
          if (inHeader && r === repeat![1]) {
            xml += '</table:table-header-rows>'
            inHeader = false
          }
          return content.write(xml) ?? Promise.resolve()
        },
        async end() {
          await content.write(`${inHeader ? '</table:table-header-rows>' : ''}</table:table>`)
        },
      }
    },
    async finish() {
      await content.write('</office:spreadsheet></office:body></office:document-content>')
      await content.end()
      await archive.finalize()
    },
  }
}

/**
 * A report file: the declared sheets written by `write`, then «О файле» from `about`; an error ends the
 * stream (the download breaks rather than delivering half a file as if whole).
 */
export function writeReportBook(
  format: SheetFormat,
  specs: readonly SheetSpec[],
  about: readonly (readonly [string, string])[],
  write: (book: BookOut) => Promise<void>,
): Readable {
  const print = specs[0]?.print
  const book = startBook(format, [...specs, { name: 'О файле', widths: [48, 110], print: { orientation: 'portrait', title: print?.title, org: print?.org } }])
  void (async () => {
    await write(book)
    const info = await book.next()
    for (const [key, value] of about)
      await info.row([
        { v: key, s: 'textBold' },
        { v: value, s: 'text' },
      ])
    await info.end()
    await book.finish()
  })().catch((error: unknown) => book.stream.destroy(error as Error))
  return book.stream
}

/** Starts a workbook of the declared sheets; the caller writes each in order, then `finish()`es. */
export function startBook(format: SheetFormat, specs: readonly SheetSpec[]): BookOut {
  return format === 'xlsx' ? xlsxBook(specs) : odsBook(specs)
}

export const CONTENT_TYPE: Record<SheetFormat, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
}
