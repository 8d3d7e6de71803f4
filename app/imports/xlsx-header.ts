/**
 * The header (row 1 of the first worksheet) of an XLSX file chosen in the browser, so that the upload form can
 * offer the saved mapping the file fits (ADR 018), as it does for CSV. Client-safe and small: no exceljs in the
 * page. The zip's central directory is read from the end of the file, and only the parts needed are inflated
 * (`DecompressionStream('deflate-raw')`), each only as far as needed: the first `<row>` of the sheet and the
 * shared strings it refers to. Anything unexpected (zip64, encryption, another layout) gives `undefined`: the
 * form then simply offers nothing, and the import itself still reads and checks the file.
 */

interface ZipEntry {
  name: string
  method: number
  compressedSize: number
  offset: number
}

const MAX_PART_TEXT = 4 * 1024 * 1024

const u16 = (v: DataView, at: number) => v.getUint16(at, true)
const u32 = (v: DataView, at: number) => v.getUint32(at, true)

async function bytesOf(file: Blob, start: number, end: number): Promise<DataView> {
  return new DataView(await file.slice(start, end).arrayBuffer())
}

async function centralDirectory(file: Blob): Promise<Map<string, ZipEntry> | undefined> {
  const tailStart = Math.max(0, file.size - (22 + 65_535))
  const tail = await bytesOf(file, tailStart, file.size)
  let eocd = -1
  for (let i = tail.byteLength - 22; i >= 0; i--) {
    if (u32(tail, i) === 0x06054b50) {
      eocd = i
      break
    }
  }
  if (eocd < 0) return undefined
  const size = u32(tail, eocd + 12)
  const offset = u32(tail, eocd + 16)
  if (offset === 0xffffffff || size > 64 * 1024 * 1024 || offset + size > file.size) return undefined
  const cd = await bytesOf(file, offset, offset + size)
  const entries = new Map<string, ZipEntry>()
  const decoder = new TextDecoder()
  for (let p = 0; p + 46 <= cd.byteLength && u32(cd, p) === 0x02014b50;) {
    const nameLength = u16(cd, p + 28)
    const name = decoder.decode(new Uint8Array(cd.buffer, cd.byteOffset + p + 46, nameLength))
    entries.set(name, { name, method: u16(cd, p + 10), compressedSize: u32(cd, p + 20), offset: u32(cd, p + 42) })
    p += 46 + nameLength + u16(cd, p + 30) + u16(cd, p + 32)
  }
  return entries
}

/** A part's text, inflated until `enough` says so (or the part ends, or 4 MB of text). */
async function partText(file: Blob, entry: ZipEntry, enough: (text: string) => boolean): Promise<string | undefined> {
  const local = await bytesOf(file, entry.offset, entry.offset + 30)
  if (local.byteLength < 30 || u32(local, 0) !== 0x04034b50) return undefined
  const start = entry.offset + 30 + u16(local, 26) + u16(local, 28)
  const raw = file.slice(start, start + entry.compressedSize)
  if (entry.method !== 0 && entry.method !== 8) return undefined
  const stream = entry.method === 8 ? raw.stream().pipeThrough(new DecompressionStream('deflate-raw')) : raw.stream()
  const reader = stream.getReader()
  const decoder = new TextDecoder()
  let text = ''
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      text += decoder.decode(value, { stream: true })
      if (enough(text) || text.length > MAX_PART_TEXT) break
    }
  } catch {
    return undefined
  } finally {
    reader.cancel().catch(() => {})
  }
  return text
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }
const unescapeXml = (text: string) =>
  text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) =>
    name[0] === '#'
      ? String.fromCodePoint(name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : Number(name.slice(1)))
      : (ENTITIES[name] ?? whole),
  )

/** The text of an `<si>` or `<is>`: its `<t>` runs, phonetic readings (`<rPh>`) aside. */
const runsText = (xml: string) =>
  unescapeXml([...xml.replace(/<rPh\b[\s\S]*?<\/rPh>/g, '').matchAll(/<t(?:\s[^>]*)?>([\s\S]*?)<\/t>|<t(?:\s[^>]*)?\/>/g)].map((m) => m[1] ?? '').join(''))

/** `B1` → 1 */
function columnIndex(ref: string): number {
  const letters = /^[A-Z]+/.exec(ref)?.[0] ?? ''
  let n = 0
  for (const ch of letters) n = n * 26 + (ch.charCodeAt(0) - 64)
  return n - 1
}

/** The path of the first worksheet: the workbook's first `<sheet>`, through its relationships. */
async function firstSheetPath(file: Blob, entries: Map<string, ZipEntry>): Promise<string | undefined> {
  const workbook = entries.get('xl/workbook.xml')
  const rels = entries.get('xl/_rels/workbook.xml.rels')
  if (workbook && rels) {
    const wb = await partText(file, workbook, (t) => /<sheet\b[^>]*>/.test(t))
    const id = wb && /<sheet\b[^>]*?\br:id="([^"]+)"/.exec(wb)?.[1]
    const relations = id ? await partText(file, rels, () => false) : undefined
    const relation = relations && [...relations.matchAll(/<Relationship\b[^>]*>/g)].map((m) => m[0]).find((r) => r.includes(`Id="${id}"`))
    const target = relation && /Target="([^"]+)"/.exec(relation)?.[1]
    if (target) {
      const resolved = target.startsWith('/') ? target.slice(1) : `xl/${target.replace(/^\.\//, '')}`
      if (entries.has(resolved)) return resolved
    }
  }
  return [...entries.keys()].filter((n) => /^xl\/worksheets\/[^/]+\.xml$/.test(n)).sort()[0]
}

export async function xlsxHeader(file: Blob): Promise<string[] | undefined> {
  const entries = await centralDirectory(file)
  if (!entries) return undefined
  const sheetPath = await firstSheetPath(file, entries)
  if (!sheetPath) return undefined
  const sheet = await partText(file, entries.get(sheetPath)!, (t) => /<\/row>|<row\b[^>]*\/>/.test(t) || t.includes('</sheetData>'))
  if (sheet === undefined) return undefined
  const row = /<row\b([^>]*?)(?:\/>|>([\s\S]*?)<\/row>)/.exec(sheet)
  if (!row) return []
  // the import reads row 1 as the header: a sheet whose first row is further down has an empty one
  const rowNumber = /\br="(\d+)"/.exec(row[1] ?? '')?.[1]
  if (rowNumber !== undefined && rowNumber !== '1') return []
  const cells: { index: number; type: string; xml: string }[] = []
  let next = 0
  for (const m of (row[2] ?? '').matchAll(/<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
    const attrs = m[1] ?? ''
    const ref = /\br="([A-Z]+\d+)"/.exec(attrs)?.[1]
    const index = ref ? columnIndex(ref) : next
    next = index + 1
    cells.push({ index, type: /\bt="([^"]+)"/.exec(attrs)?.[1] ?? 'n', xml: m[2] ?? '' })
  }
  const sharedWanted = cells.filter((c) => c.type === 's').map((c) => Number(/<v>([\s\S]*?)<\/v>/.exec(c.xml)?.[1] ?? NaN))
  let shared: string[] = []
  if (sharedWanted.length) {
    const entry = entries.get('xl/sharedStrings.xml')
    if (!entry) return undefined
    const need = Math.max(...sharedWanted.filter(Number.isFinite)) + 1
    const text = await partText(file, entry, (t) => (t.match(/<\/si>|<si\s*\/>/g)?.length ?? 0) >= need)
    if (text === undefined) return undefined
    shared = [...text.matchAll(/<si\b[^>]*?(?:\/>|>([\s\S]*?)<\/si>)/g)].map((m) => runsText(m[1] ?? ''))
  }
  const header: string[] = []
  for (const c of cells) {
    const v = /<v>([\s\S]*?)<\/v>/.exec(c.xml)?.[1]
    const value = c.type === 's' ? (shared[Number(v)] ?? '') : c.type === 'inlineStr' ? runsText(c.xml) : unescapeXml(v ?? '')
    while (header.length < c.index) header.push('')
    header[c.index] = value.trim()
  }
  return header
}
