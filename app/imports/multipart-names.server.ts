/**
 * The user's file name survives the upload. Remix's multipart parser splits a part's Content-Disposition on
 * every `;` and `=`, even inside the quoted file name, and refuses the request («mismatched quotations»): a
 * file called «отчёт; март=2025.xlsx» could not be uploaded. So, as the body streams through, the quoted
 * `filename="…"` of each part header is escaped (`%` → `%25`, `;` → `%3B`, `=` → `%3D`) and the parsed name is
 * unescaped again. The file's bytes are passed on untouched; only the short header blocks after a boundary are
 * looked at.
 */

const ESCAPES: Record<string, string> = { '%': '%25', ';': '%3B', '=': '%3D' }
const CRLF2 = Buffer.from('\r\n\r\n')
/** a part's headers are short; a block longer than this is left alone (and the parser will judge it) */
const MAX_HEADER_BLOCK = 16 * 1024

function escapeBlock(block: Buffer): Buffer {
  const text = block.toString('utf8')
  const fixed = text.replace(/(filename=")([^"\r\n]*)(")/gi, (_m, a: string, name: string, b: string) => a + name.replace(/[%;=]/g, (c) => ESCAPES[c]!) + b)
  return fixed === text ? block : Buffer.from(fixed, 'utf8')
}

/** The parsed file name back as the user's: `%3B`, `%3D`, `%25` (and the browser's own `%22` for `"`) unescaped. */
export function uploadedFileName(parsed: string | undefined): string {
  const raw = (parsed ?? '').replace(/%(3B|3D|25)/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)))
  // browsers send `"` in a file name as %22 (and cannot send a literal «%22» otherwise)
  return raw.replace(/%22/gi, '"')
}

/**
 * A name to show and store: no path (the last segment), no control or bidirectional-override characters, at
 * most 255 characters. Never used as a path: the upload is stored under a name of our own.
 */
export function displayFileName(name: string): string {
  const last = name.split(/[/\\]/).pop() ?? ''
  return (
    last
      .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
      .trim()
      .slice(0, 255) || 'файл'
  )
}

/** The request with the file names in its part headers escaped for Remix's parser. */
export function withEscapedFileNames(request: Request): Request {
  const type = request.headers.get('content-type') ?? ''
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(type)
  if (!boundary || !request.body) return request
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`)
  let carry = Buffer.alloc(0)
  const transform = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      let buffer = Buffer.concat([carry, chunk])
      let out = 0
      const parts: Buffer[] = []
      for (;;) {
        const at = buffer.indexOf(delimiter, out)
        if (at < 0) {
          // keep what could be the start of a delimiter cut by the chunk's end
          const keep = Math.min(buffer.length - out, delimiter.length - 1)
          parts.push(buffer.subarray(out, buffer.length - keep))
          carry = Buffer.from(buffer.subarray(buffer.length - keep))
          break
        }
        const headersStart = at + delimiter.length
        const end = buffer.indexOf(CRLF2, headersStart)
        if (end < 0) {
          if (buffer.length - headersStart > MAX_HEADER_BLOCK) {
            parts.push(buffer.subarray(out, headersStart))
            out = headersStart
            continue
          }
          // the header block is not complete yet: wait for more
          parts.push(buffer.subarray(out, at))
          carry = Buffer.from(buffer.subarray(at))
          break
        }
        parts.push(buffer.subarray(out, headersStart), escapeBlock(buffer.subarray(headersStart, end)))
        out = end
      }
      for (const p of parts) if (p.length) controller.enqueue(new Uint8Array(p))
      buffer = Buffer.alloc(0)
    },
    flush(controller) {
      if (carry.length) controller.enqueue(new Uint8Array(carry))
    },
  })
  return new Request(request.url, {
    method: request.method,
    headers: request.headers,
    body: request.body.pipeThrough(transform),
    signal: request.signal,
    duplex: 'half',
  } as RequestInit)
}
