/**
 * QR codes as SVG paths (qrcode-generator, no dependencies): one square per dark module, drawn by the page
 * at any size and printed sharp. Error correction M (15 %) survives a creased or smudged print-out.
 */
import qrcode from 'qrcode-generator'

export interface QrPath {
  /** modules per side, with the quiet zone of four modules */
  size: number
  d: string
  /** the dark modules, row by row (for tests that read the code back) */
  modules: boolean[][]
}

const QUIET = 4

export function qrPath(text: string): QrPath {
  const qr = qrcode(0, 'M')
  qr.addData(text, 'Byte')
  qr.make()
  const n = qr.getModuleCount()
  const modules: boolean[][] = []
  const parts: string[] = []
  for (let r = 0; r < n; r++) {
    const row: boolean[] = []
    for (let c = 0; c < n; c++) {
      const dark = qr.isDark(r, c)
      row.push(dark)
      if (dark) parts.push(`M${c + QUIET} ${r + QUIET}h1v1h-1z`)
    }
    modules.push(row)
  }
  return { size: n + 2 * QUIET, d: parts.join(''), modules }
}

/** The public address of a survey link: PUBLIC_URL when set (the address consumers reach), else this request's origin. */
export function surveyUrl(request: Request, token: string, env: Record<string, string | undefined> = process.env): string {
  const base = (env.PUBLIC_URL?.trim() || new URL(request.url).origin).replace(/\/+$/, '')
  return `${base}/s/${token}`
}
