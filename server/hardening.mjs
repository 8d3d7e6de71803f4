// What server.mjs does to every request before Remix sees it (ADR 014): which proxies to believe, a small
// body limit on every form endpoint enforced while the body is read, a Russian refusal of NUL characters,
// and `Cache-Control: no-store` on every page and file (they hold personal data). Plain JavaScript, so that
// server.mjs can import it without a build step.
import net from 'node:net'
import { PassThrough } from 'node:stream'

/**
 * A form is small — the largest, a survey of 30 questions with 2 000-character answers, stays under this even
 * percent-encoded; only the upload routes take a file (their own limit: MAX_UPLOAD_BYTES, per part).
 */
export const FORM_BODY_LIMIT = 1024 * 1024
/**
 * A refused form body a little over the limit (a browser posting 2 MB) is read on and dropped, up to this
 * many bytes or DRAIN_MS, before the refusal is sent: closing the connection under a client that is still
 * sending makes its network stack reset it, and the browser or script shows «соединение сброшено» instead of
 * the Russian answer (a flaky end-to-end test showed it). Past either bound the answer goes at once and the
 * connection is closed.
 */
export const DRAIN_LIMIT = 8 * 1024 * 1024
export const DRAIN_MS = 5_000
/** `/imports` (the form without JavaScript) and `/imports/upload` (the page's XHR) receive files. */
export const UPLOAD_PATHS = new Set(['/imports', '/imports/upload'])

/**
 * The import API (ADR 017): no forms and no cookies — an integration token, and the file itself as the
 * body. `POST /api/imports/<kind>` passes untouched (the route streams the body to disk under its own limit);
 * every other method, or a POST anywhere else under /api/, is a 405; a multipart form, or a type no file of
 * ours is sent as, a 415. `application/x-www-form-urlencoded` passes: it is what `curl --data-binary` sends
 * when told no type, and the body is read as the file it is. Answers are JSON, like the API's own.
 */
export const API_IMPORT_PATH = /^\/api\/imports\/[^/]+$/
const API_TYPES =
  /^(text\/(csv|plain|tab-separated-values)|application\/(json|octet-stream|gzip|x-gzip|csv|x-www-form-urlencoded|vnd\.ms-excel|vnd\.openxmlformats-officedocument\.spreadsheetml\.sheet))\s*(;|$)/i

const NAMED = new Set(['loopback', 'linklocal', 'uniquelocal'])

/**
 * TRUST_PROXY → Express's `trust proxy`. Unset, empty or `0`: no proxy, X-Forwarded-For is ignored. A number
 * n: n proxies in front of the server (the address n hops from the server is the client's). Otherwise a
 * comma-separated list of proxy addresses or subnets (`10.0.0.2`, `10.0.0.0/8`, `loopback`). In both cases the
 * client's address is the right-most one not added by a trusted proxy. `true`/`all` (believe anybody) is refused.
 * @param {string | undefined} value
 * @returns {number | string[] | false}
 */
export function parseTrustProxy(value) {
  const text = (value ?? '').trim()
  if (text === '' || text === '0') return false
  if (/^\d+$/.test(text)) return Number(text)
  if (/^(true|all|\*)$/i.test(text)) {
    throw new Error(
      `TRUST_PROXY=${text} поверил бы X-Forwarded-For от кого угодно. Укажите число прокси перед сервером (например, 1) или их адреса через запятую (например, 10.0.0.2,10.0.0.0/8).`,
    )
  }
  const list = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  for (const item of list) {
    const [address, bits, extra] = item.split('/')
    const family = net.isIP(address ?? '')
    const okBits = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32))
    if (!(NAMED.has(item) || (family && okBits && extra === undefined))) {
      throw new Error(`TRUST_PROXY: «${item}» — не адрес, не подсеть и не число прокси. Пример: TRUST_PROXY=1 или TRUST_PROXY=10.0.0.2,10.0.0.0/8.`)
    }
  }
  return list
}

/** @param {import('express').Response} res @param {number} status @param {string} text */
function refuse(res, status, text) {
  res.status(status).set('Connection', 'close').type('text/plain; charset=utf-8').send(text)
}

/**
 * 413 for a form body over the limit. The rest of the body is read and dropped (never kept) and the answer sent
 * when it has ended — at most DRAIN_LIMIT bytes in all and DRAIN_MS, past either the answer goes at once and the
 * connection is closed after it. Answering first would not do: Node closes the connection as soon as an answer
 * with «Connection: close» (the client's or ours) is written, under a client still sending.
 * @param {import('express').Request} req @param {import('express').Response} res
 * @param {number} received bytes already counted (the byte bound or more: answer and close at once)
 * @param {{ bytes: number, ms: number }} [bounds] DRAIN_LIMIT and DRAIN_MS unless a test sets others
 */
function refuseTooBig(req, res, received, bounds = { bytes: DRAIN_LIMIT, ms: DRAIN_MS }) {
  let drained = received
  let answered = false
  const answer = (/** @type {boolean} */ close) => {
    if (answered) return
    answered = true
    clearTimeout(timer)
    req.off('data', onData)
    if (close) {
      res.set('Connection', 'close')
      res.once('finish', () => req.destroy())
    }
    res.status(413).type('text/plain; charset=utf-8').send(TOO_BIG)
  }
  const onData = (/** @type {Buffer} */ chunk) => {
    drained += chunk.length
    if (drained > bounds.bytes) answer(true)
  }
  const timer = setTimeout(() => answer(true), bounds.ms)
  timer.unref()
  if (drained >= bounds.bytes) return answer(true)
  req.on('data', onData)
  req.once('end', () => answer(false))
  // the client went away before its body ended (an ended body has been answered): nobody to answer
  req.once('close', () => {
    answered = true
    clearTimeout(timer)
  })
  req.resume()
}

/**
 * An API refusal in JSON. The body is read and dropped rather than the connection closed under the client
 * (a client still sending its file would see EPIPE instead of the answer).
 * @param {import('express').Request} req @param {import('express').Response} res
 * @param {number} status @param {string} text @param {Record<string, string>} [headers]
 */
function refuseJson(req, res, status, text, headers = {}) {
  req.resume()
  res
    .status(status)
    .set(headers)
    .type('application/json; charset=utf-8')
    .send(JSON.stringify({ error: text }))
}

const API_METHOD_MESSAGE = 'Метод не поддерживается: POST /api/imports/<вид> (тело — файл или JSON-массив записей), GET /api/imports/<номер>.'
const API_TYPE_MESSAGE =
  'Тело запроса — сам файл (text/csv, application/octet-stream, XLSX, application/gzip) или JSON-массив записей (application/json), а не форма multipart/form-data.'

const NUL_MESSAGE = 'Запрос отклонён: в адресе или в полях формы есть недопустимый символ (NUL, код 0). Уберите его и отправьте снова.'
const METHOD_MESSAGE = 'Запрос отклонён: сайт принимает только GET и POST.'
const TYPE_MESSAGE = 'Запрос отклонён: данные формы должны быть в формате веб-формы (application/x-www-form-urlencoded или multipart/form-data).'
const BROKEN_MESSAGE = 'Запрос отклонён: данные формы повреждены.'
const TOO_BIG = `Запрос отклонён: данные формы больше ${FORM_BODY_LIMIT / 1024 / 1024} МБ.`

/** A NUL in an address or a form: raw or percent-encoded (%00). */
function hasNul(text) {
  return text.includes('\u0000') || /%00/i.test(text)
}

/**
 * Wraps Remix's request handler: reads a form's body into memory up to FORM_BODY_LIMIT, counting the bytes as
 * they arrive (a body over the limit is never kept: its rest is read and dropped up to DRAIN_LIMIT / DRAIN_MS
 * and then refused with 413, a declared Content-Length over DRAIN_LIMIT at once), refuses NUL characters in
 * the address and the body, then hands Remix the same bytes. Upload routes with a multipart body pass
 * untouched (they have their own limit per part).
 * @param {import('express').RequestHandler} handler
 * @param {{ limit?: number, drainLimit?: number, drainMs?: number }} [options]
 * @returns {import('express').RequestHandler}
 */
export function guardBody(handler, options = {}) {
  const limit = options.limit ?? FORM_BODY_LIMIT
  const bounds = { bytes: options.drainLimit ?? DRAIN_LIMIT, ms: options.drainMs ?? DRAIN_MS }
  return (req, res, next) => {
    if (hasNul(req.originalUrl)) return refuse(res, 400, NUL_MESSAGE)
    if (req.path.startsWith('/api/')) {
      if (req.method === 'GET' || req.method === 'HEAD') return handler(req, res, next)
      if (req.method !== 'POST' || !API_IMPORT_PATH.test(req.path)) return refuseJson(req, res, 405, API_METHOD_MESSAGE, { Allow: 'GET, POST' })
      const type = req.get('content-type') ?? ''
      if (type !== '' && !API_TYPES.test(type)) return refuseJson(req, res, 415, API_TYPE_MESSAGE)
      // binary files (XLSX, gzip) are the body here: no NUL check; the route streams it under its own limit
      return handler(req, res, next)
    }
    if (req.method === 'GET' || req.method === 'HEAD') return handler(req, res, next)
    // the site's forms only post; TRACE, OPTIONS and the like reached Remix and answered 500
    if (req.method !== 'POST') return refuse(res, 405, METHOD_MESSAGE)
    const type = req.get('content-type') ?? ''
    const multipart = /^multipart\/form-data/i.test(type)
    if (multipart && UPLOAD_PATHS.has(req.path)) return handler(req, res, next)
    // a JSON or garbled body made `request.formData()` throw inside an action: a 500 instead of a refusal
    const declaredLength = Number(req.get('content-length') ?? 0)
    if (!multipart && !/^application\/x-www-form-urlencoded/i.test(type) && (declaredLength > 0 || req.get('transfer-encoding')))
      return refuse(res, 415, TYPE_MESSAGE)
    const declared = Number(req.get('content-length') ?? NaN)
    if (declared > limit) return refuseTooBig(req, res, declared > bounds.bytes ? bounds.bytes : 0, bounds)
    /** @type {Buffer[]} */
    const chunks = []
    let size = 0
    let done = false
    const stop = () => {
      done = true
      req.off('data', onData)
      req.off('end', onEnd)
      req.off('error', onError)
    }
    const onData = (/** @type {Buffer} */ chunk) => {
      size += chunk.length
      if (size <= limit) return void chunks.push(chunk)
      stop()
      refuseTooBig(req, res, size, bounds)
    }
    const onEnd = () => {
      if (done) return
      stop()
      const body = Buffer.concat(chunks)
      // a NUL byte in any form (urlencoded, multipart or JSON) would reach the database and fail there
      if (hasNul(body.toString('latin1'))) return refuse(res, 400, NUL_MESSAGE)
      if (!multipart) return handler(withBody(req, body), res, next)
      // a multipart form is small here: parse it once, so that a broken one is refused rather than a 500
      new Response(body, { headers: { 'Content-Type': type } }).formData().then(
        () => handler(withBody(req, body), res, next),
        () => refuse(res, 400, BROKEN_MESSAGE),
      )
    }
    const onError = () => stop()
    req.on('data', onData)
    req.on('end', onEnd)
    req.on('error', onError)
  }
}

/** The request, whose body stream has been read, as Remix's adapter reads it: the same bytes again. */
const STREAM_PROPS = new Set([
  'on',
  'once',
  'off',
  'addListener',
  'removeListener',
  'removeAllListeners',
  'pause',
  'resume',
  'isPaused',
  'destroy',
  'read',
  'pipe',
  'unpipe',
  'setEncoding',
  'readable',
  'readableEnded',
  'readableHighWaterMark',
  'readableFlowing',
  Symbol.asyncIterator,
])

/** @param {import('express').Request} req @param {Buffer} body @returns {import('express').Request} */
function withBody(req, body) {
  const stream = new PassThrough()
  stream.end(body)
  return new Proxy(req, {
    get(target, prop) {
      const from = STREAM_PROPS.has(prop) ? stream : target
      const value = Reflect.get(from, prop, from)
      return typeof value === 'function' ? value.bind(from) : value
    },
  })
}

/**
 * Every page and file is built for the user who asked and may hold personal data: never cached, unless a
 * route says otherwise (its own Cache-Control is kept, not doubled).
 * @type {import('express').RequestHandler}
 */
export function noStore(_req, res, next) {
  const writeHead = res.writeHead
  // @ts-ignore -- the overloads of writeHead are passed on as they come
  res.writeHead = function (...args) {
    if (!res.hasHeader('Cache-Control')) res.setHeader('Cache-Control', 'no-store')
    // @ts-ignore
    return writeHead.apply(this, args)
  }
  next()
}
