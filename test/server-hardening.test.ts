/**
 * server/hardening.mjs against real HTTP on an in-process Express app: which proxies are believed, the
 * form body limit (enforced while reading), NUL characters, and the same bytes handed on to Remix's reader.
 */
import http from 'node:http'
import net, { type AddressInfo } from 'node:net'
import { createReadableStreamFromReadable } from '@remix-run/node'
import express from 'express'
import { FORM_BODY_LIMIT, guardBody, noStore, parseTrustProxy } from '#server/hardening.mjs'

async function serve(trust: string | undefined, seen: { bytes?: number } = {}, options: Parameters<typeof guardBody>[1] = {}) {
  const app = express()
  const trustProxy = parseTrustProxy(trust)
  if (trustProxy !== false) app.set('trust proxy', trustProxy)
  app.use(noStore)
  app.all(
    '*',
    guardBody(async (req, res) => {
      // read the body as @remix-run/express does
      let body = ''
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        const reader = createReadableStreamFromReadable(req).getReader()
        const decoder = new TextDecoder()
        for (;;) {
          const { done, value } = await reader.read()
          if (done) break
          seen.bytes = (seen.bytes ?? 0) + value.byteLength
          body += decoder.decode(value, { stream: true })
        }
      }
      res.json({ ip: req.ip, body: body.length > 200 ? `${body.length} байт` : body })
    }, options),
  )
  const server = await new Promise<http.Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s))
  })
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return { url, close: () => new Promise((r) => server.close(r)) }
}

let servers: { close(): Promise<unknown> }[] = []
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()))
  servers = []
})
async function start(trust: string | undefined, seen?: { bytes?: number }, options?: Parameters<typeof guardBody>[1]) {
  const s = await serve(trust, seen, options)
  servers.push(s)
  return s.url
}

describe('TRUST_PROXY: only the configured proxies are believed', () => {
  const ipSeen = async (url: string, xff: string) => ((await (await fetch(url, { headers: { 'X-Forwarded-For': xff } })).json()) as { ip: string }).ip

  it('without it, and with proxies other than the caller, X-Forwarded-For is ignored: rotating it changes nothing', async () => {
    for (const trust of [undefined, '0', '10.9.9.9', '10.0.0.0/8,fd00::/8']) {
      const url = await start(trust)
      const seen = new Set(await Promise.all(['1.1.1.1', '2.2.2.2', '3.3.3.3, 4.4.4.4'].map((xff) => ipSeen(url, xff))))
      expect([...seen], String(trust)).toEqual(['127.0.0.1'])
    }
  })

  it('behind a trusted proxy the client is the right-most address the proxy did not add; a forged left part is not believed', async () => {
    for (const trust of ['1', 'loopback', '127.0.0.1']) {
      const url = await start(trust)
      // the client forged «6.6.6.6»; the proxy appended the address it saw, 203.0.113.5
      expect(await ipSeen(url, '6.6.6.6, 203.0.113.5'), trust).toBe('203.0.113.5')
    }
    // two proxies: 10.0.0.2 (trusted) in front of loopback (trusted)
    const url = await start('loopback,10.0.0.2')
    expect(await ipSeen(url, '6.6.6.6, 203.0.113.5, 10.0.0.2')).toBe('203.0.113.5')
  })

  it('believing everybody, or a value that is not an address, is refused at start in Russian', () => {
    expect(() => parseTrustProxy('true')).toThrow(/поверил бы X-Forwarded-For от кого угодно/)
    expect(() => parseTrustProxy('all')).toThrow(/от кого угодно/)
    expect(() => parseTrustProxy('10.0.0.1,nginx')).toThrow(/«nginx» — не адрес/)
    expect(() => parseTrustProxy('10.0.0.0/33')).toThrow(/не адрес, не подсеть/)
    expect(parseTrustProxy('2')).toBe(2)
  })
})

describe('form bodies are small and read with a limit', () => {
  it('a declared 300 MB body is refused before it is read', async () => {
    const seen: { bytes?: number } = {}
    const url = new URL(await start(undefined, seen))
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request({
        host: url.hostname,
        port: url.port,
        path: '/login',
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': String(300 * 1024 * 1024) },
      })
      req.on('response', (res) => resolve(res.statusCode ?? 0))
      req.on('error', reject)
      req.write('login=a&password=')
    })
    expect(status).toBe(413)
    expect(seen.bytes).toBeUndefined()
  })

  it.each(['keep-alive', 'close'])(
    'a body a little over the limit (Connection: %s): the client sends all of it and reads the refusal, its connection is not reset under it',
    async (connection) => {
      const seen: { bytes?: number } = {}
      const url = new URL(await start(undefined, seen))
      const body = Buffer.alloc(2 * 1024 * 1024, 'y')
      // a raw connection, as a browser's: the head, then the body in pieces of 64 KB a millisecond apart
      const result = await new Promise<{ answer: string; error?: string; written: number }>((resolve) => {
        const socket = net.connect(Number(url.port), url.hostname)
        let answer = ''
        let error: string | undefined
        let written = 0
        const pump = () => {
          if (error || written >= body.length) return
          const next = body.subarray(written, written + 64 * 1024)
          written += next.length
          setTimeout(() => (socket.write(next) ? pump() : socket.once('drain', pump)), 1)
        }
        socket.on('error', (e: NodeJS.ErrnoException) => (error = e.code ?? e.message))
        socket.setEncoding('utf8')
        socket.on('data', (chunk: string) => {
          answer += chunk
          if (answer.includes('МБ.')) socket.end()
        })
        socket.on('close', () => resolve({ answer, error, written }))
        socket.write(
          `POST /login HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/x-www-form-urlencoded\r\n` +
            `Content-Length: ${body.length}\r\nConnection: ${connection}\r\n\r\n`,
        )
        pump()
      })
      expect(result.error).toBeUndefined()
      expect(result.answer).toMatch(/^HTTP\/1\.1 413 /)
      expect(result.answer).toMatch(/данные формы больше 1 МБ/)
      expect(result.written).toBe(body.length)
      expect(seen.bytes).toBeUndefined()
    },
  )

  it('a body that stops coming is refused after the drain time, and the connection closed', async () => {
    const url = new URL(await start(undefined, {}, { drainMs: 300 }))
    const started = Date.now()
    const answer = await new Promise<string>((resolve) => {
      const socket = net.connect(Number(url.port), url.hostname)
      let text = ''
      socket.setEncoding('utf8')
      socket.on('data', (chunk: string) => (text += chunk))
      socket.on('error', () => undefined)
      socket.on('close', () => resolve(text))
      socket.write(`POST /login HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${2 * 1024 * 1024}\r\n\r\n`)
      socket.write(Buffer.alloc(64 * 1024, 'y')) // and then nothing more
    })
    expect(answer).toMatch(/^HTTP\/1\.1 413 /)
    expect(answer).toMatch(/\r\nConnection: close\r\n/i)
    expect(answer).toMatch(/данные формы больше 1 МБ/)
    expect(Date.now() - started).toBeLessThan(3000)
  })

  it('a client that leaves while its body is drained gets no answer and the server goes on serving', async () => {
    const url = new URL(await start(undefined, {}, { drainMs: 300 }))
    await new Promise<void>((resolve) => {
      const socket = net.connect(Number(url.port), url.hostname, () => {
        socket.write(
          `POST /login HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${2 * 1024 * 1024}\r\n\r\n`,
        )
        socket.write(Buffer.alloc(64 * 1024, 'y'), () => setTimeout(() => socket.destroy(), 50))
      })
      socket.on('close', () => resolve())
      socket.on('error', () => undefined)
    })
    // after the drain time has passed for the gone client, the next request is answered as usual
    await new Promise((r) => setTimeout(r, 400))
    const response = await fetch(`${url.origin}/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'login=a',
    })
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ body: 'login=a' })
  })

  it('a chunked body is never kept past the limit: refused after at most the drained 8 MB, the client has sent little of it', async () => {
    const url = new URL(await start(undefined))
    const { status, sent } = await new Promise<{ status: number; sent: number }>((resolve) => {
      let sent = 0
      let answered = false
      const req = http.request({
        host: url.hostname,
        port: url.port,
        path: '/login',
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Transfer-Encoding': 'chunked' },
      })
      req.on('response', (res) => {
        answered = true
        resolve({ status: res.statusCode ?? 0, sent })
        res.resume()
      })
      req.on('error', () => undefined) // the server closes the connection after refusing
      const chunk = Buffer.alloc(64 * 1024, 'a')
      const pump = () => {
        if (answered || sent > 300 * 1024 * 1024) return
        sent += chunk.length
        if (req.write(chunk)) setImmediate(pump)
        else req.once('drain', pump)
      }
      pump()
    })
    expect(status).toBe(413)
    expect(sent).toBeLessThan(16 * 1024 * 1024)
  })

  it('a form within the limit reaches the handler byte for byte', async () => {
    const url = await start(undefined)
    const form = new URLSearchParams({ login: 'Иванов', text: 'я'.repeat(50_000) })
    const body = form.toString()
    expect(Buffer.byteLength(body)).toBeLessThan(FORM_BODY_LIMIT)
    const response = await fetch(`${url}/surveys/1/edit`, { method: 'POST', body: form })
    expect(response.status).toBe(200)
    expect(((await response.json()) as { body: string }).body).toBe(`${body.length} байт`)
    const small = await fetch(`${url}/login`, { method: 'POST', body: new URLSearchParams({ login: 'a' }) })
    expect(((await small.json()) as { body: string }).body).toBe('login=a')
  })

  it('the upload routes take their multipart bodies past the form limit; other routes do not', async () => {
    const url = await start(undefined)
    const file = new FormData()
    file.set('file', new Blob([Buffer.alloc(FORM_BODY_LIMIT * 2, 'x')]), 'big.csv')
    expect((await fetch(`${url}/imports/upload`, { method: 'POST', body: file })).status).toBe(200)
    expect((await fetch(`${url}/imports`, { method: 'POST', body: file })).status).toBe(200)
    expect((await fetch(`${url}/admin/settings`, { method: 'POST', body: file })).status).toBe(413)
  })
})

describe('NUL characters are refused in Russian, not passed on to the database', () => {
  it('in a form field (encoded or raw), in JSON and in the address', async () => {
    const url = await start(undefined)
    for (const [path, init] of [
      ['/login', { method: 'POST', body: new URLSearchParams({ login: 'adm\u0000in', password: 'x' }) }],
      ['/s/AAAA', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'q1=%00' }],
      [
        '/surveys/1/phone',
        {
          method: 'POST',
          body: (() => {
            const f = new FormData()
            f.set('q1', 'a\u0000b')
            return f
          })(),
        },
      ],
      ['/imports/upload', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'a=%5Cu0000&b=\u0000' }],
      ['/dashboard?office=%00%D0%9F%D0%9E%D0%9F-05', { method: 'GET' }],
      ['/registers/appeals%00', { method: 'GET' }],
    ] as const) {
      const response = await fetch(`${url}${path}`, init as RequestInit)
      expect(response.status, path).toBe(400)
      expect(await response.text()).toMatch(/недопустимый символ \(NUL/)
    }
  })
})

describe('what an action cannot read is refused in Russian, not a 500 (beyond the list)', () => {
  it('other methods, JSON and garbled multipart bodies', async () => {
    const url = await start(undefined)
    for (const method of ['OPTIONS', 'PUT', 'DELETE', 'PATCH']) {
      const response = await fetch(`${url}/login`, { method })
      expect(response.status, method).toBe(405)
      expect(await response.text()).toMatch(/только GET и POST/)
    }
    // fetch refuses to send TRACE itself
    const u = new URL(url)
    const trace = await new Promise<number>((resolve, reject) =>
      http
        .request({ host: u.hostname, port: u.port, path: '/', method: 'TRACE' }, (r) => (r.resume(), resolve(r.statusCode ?? 0)))
        .on('error', reject)
        .end(),
    )
    expect(trace).toBe(405)
    const json = await fetch(`${url}/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"login":"a"}' })
    expect(json.status).toBe(415)
    const garbled = await fetch(`${url}/login`, { method: 'POST', headers: { 'Content-Type': 'multipart/form-data; boundary=x' }, body: 'garbage' })
    expect([garbled.status, await garbled.text()]).toEqual([400, 'Запрос отклонён: данные формы повреждены.'])
    const form = new FormData()
    form.set('login', 'Иванов')
    const ok = await fetch(`${url}/admin/settings`, { method: 'POST', body: form })
    expect(ok.status).toBe(200)
    expect(((await ok.json()) as { body: string }).body).toContain('Иванов')
    // an empty POST (a button without fields) still reaches the page
    expect((await fetch(`${url}/logout`, { method: 'POST' })).status).toBe(200)
  })
})

describe('Cache-Control', () => {
  it('every dynamic response says no-store', async () => {
    const url = await start(undefined)
    expect((await fetch(`${url}/registers/appeals`)).headers.get('cache-control')).toBe('no-store')
  })
})

describe('the import API (ADR 017) passes the hardening as it should', () => {
  it('POST /api/imports/<kind>: a file body larger than the form limit, binary and with NUL bytes, reaches the route whole', async () => {
    const seen: { bytes?: number } = {}
    const url = await start(undefined, seen)
    const body = Buffer.alloc(FORM_BODY_LIMIT * 3, 0) // NUL bytes: an XLSX or gzip file has them
    for (const type of [
      'application/octet-stream',
      'text/csv; charset=utf-8',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'application/gzip',
    ]) {
      seen.bytes = 0
      const response = await fetch(`${url}/api/imports/calls`, { method: 'POST', body, headers: { 'Content-Type': type } })
      expect(response.status, type).toBe(200)
      expect(seen.bytes, type).toBe(body.length)
    }
    // curl --data-binary without -H 'Content-Type' sends a form's type: the body is the file all the same
    const curl = await fetch(`${url}/api/imports/calls`, {
      method: 'POST',
      body: 'a;b\n1;2\u0000',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    })
    expect(await curl.json()).toMatchObject({ body: 'a;b\n1;2\u0000' })
    const json = await fetch(`${url}/api/imports/calls`, { method: 'POST', body: '[{"call_id":"1"}]', headers: { 'Content-Type': 'application/json' } })
    expect(await json.json()).toMatchObject({ body: '[{"call_id":"1"}]' })
    expect(json.headers.get('cache-control')).toBe('no-store')
  })

  it('refuses what it should, in JSON: other methods and paths 405, a web form or an unknown type 415, NUL in the address 400', async () => {
    const url = await start(undefined)
    for (const [method, path] of [
      ['PUT', '/api/imports/calls'],
      ['DELETE', '/api/imports/1'],
      ['PATCH', '/api/imports/calls'],
      ['OPTIONS', '/api/imports/calls'],
      ['POST', '/api/openapi.json'],
      ['POST', '/api/imports/calls/extra'],
    ] as const) {
      const response = await fetch(`${url}${path}`, { method, body: method === 'OPTIONS' ? undefined : 'x' })
      expect(response.status, `${method} ${path}`).toBe(405)
      expect(response.headers.get('allow')).toBe('GET, POST')
      expect(((await response.json()) as { error: string }).error).toMatch(/^Метод не поддерживается/)
    }
    for (const type of ['multipart/form-data; boundary=x', 'text/html', 'application/xml']) {
      const response = await fetch(`${url}/api/imports/calls`, { method: 'POST', body: 'a=1', headers: { 'Content-Type': type } })
      expect(response.status, type).toBe(415)
      expect(response.headers.get('content-type')).toMatch(/^application\/json/)
    }
    expect((await fetch(`${url}/api/imports/calls%00`, { method: 'POST', body: 'x', headers: { 'Content-Type': 'text/csv' } })).status).toBe(400)
    // GET passes (the route answers), as do the site's forms elsewhere, still limited
    expect((await fetch(`${url}/api/imports/1`)).status).toBe(200)
    expect(
      (
        await fetch(`${url}/login`, {
          method: 'POST',
          body: 'x'.repeat(FORM_BODY_LIMIT + 10),
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        })
      ).status,
    ).toBe(413)
  })
})
