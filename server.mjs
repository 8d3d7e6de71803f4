#!/usr/bin/env node
// The production server: Express + Remix's request handler. Security headers on every response
// (a Content-Security-Policy with a per-request nonce for Remix's inline scripts), the client's address
// in the load context (sign-in throttling, audit), and request lines without query strings (no personal
// data in logs).
import crypto from 'node:crypto'
import path from 'node:path'
import { createRequestHandler } from '@remix-run/express'
import express from 'express'
import { guardBody, noStore, parseTrustProxy } from './server/hardening.mjs'

// run directly (`node server.mjs`, a service unit) it is the production server: React's development build is
// several times slower and warns on every render
process.env.NODE_ENV ??= 'production'
const root = path.dirname(new URL(import.meta.url).pathname)
const build = await import(path.join(root, 'build/index.js'))
const app = express()
app.disable('x-powered-by')
// behind reverse proxies: TRUST_PROXY=<how many> or <their addresses>; only they are believed (server/hardening.mjs)
const trustProxy = parseTrustProxy(process.env.TRUST_PROXY)
if (trustProxy !== false) app.set('trust proxy', trustProxy)

app.use((req, res, next) => {
  const nonce = crypto.randomBytes(16).toString('base64')
  res.locals.nonce = nonce
  res.setHeader(
    'Content-Security-Policy',
    [
      "default-src 'self'",
      `script-src 'self' 'nonce-${nonce}'`,
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data:",
      "connect-src 'self'",
      "font-src 'self'",
      "object-src 'none'",
      "base-uri 'self'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ].join('; '),
  )
  res.setHeader('X-Content-Type-Options', 'nosniff')
  res.setHeader('Referrer-Policy', 'same-origin')
  res.setHeader('X-Frame-Options', 'DENY')
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin')
  if (req.secure) res.setHeader('Strict-Transport-Security', 'max-age=31536000')
  const started = Date.now()
  res.on('finish', () => {
    // a survey link's token is a key to answer: not written to logs
    const logged = req.path.startsWith('/s/') ? '/s/…' : req.path
    if (process.env.QUIET_REQUESTS !== '1') console.log(`${req.method} ${logged} ${res.statusCode} ${Date.now() - started} мс`)
  })
  next()
})
// cross-site request forgery: a state-changing request must come from a page of this site
app.use((req, res, next) => {
  if (req.method === 'GET' || req.method === 'HEAD') return next()
  const from = req.get('origin') ?? req.get('referer')
  if (!from) return next() // not a browser: no ambient cookies to abuse
  let host = ''
  try {
    host = new URL(from).host
  } catch {
    // unparsable: refused below
  }
  if (host !== req.get('host')) {
    res.status(403).type('text/plain; charset=utf-8').send('Запрос с чужого сайта отклонён.')
    return
  }
  next()
})
app.use('/build', express.static(path.join(root, 'public/build'), { immutable: true, maxAge: '1y' }))
// public files all have an extension; a page address never does, and is not looked up on disk (a stat call
// per page request was a tenth of the server's time under load)
const publicFiles = express.static(path.join(root, 'public'), { maxAge: '1h' })
app.use((req, res, next) => (/\.[a-z0-9]+$/i.test(req.path) ? publicFiles(req, res, next) : next()))
// pages and files are not cached; form bodies are small, read with a limit, and free of NUL characters
app.use(noStore)
const remix = createRequestHandler({
  build,
  mode: process.env.NODE_ENV ?? 'production',
  getLoadContext: (req, res) => ({ ip: req.ip ?? 'unknown', nonce: res.locals.nonce }),
})
// a signed-in user's page whose data, user and time rules are unchanged is answered from the page cache,
// before the router, the loaders and the render (app/utils/page-cache.server.ts, ADR 023)
const { servePage, runPage } = build.entry.module
app.all(
  '*',
  guardBody(async (req, res, next) => {
    try {
      const page = await servePage(req, res.locals.nonce)
      if (page) {
        res.status(page.status).setHeader('Content-Type', page.contentType)
        res.setHeader('X-Page-Cache', 'hit')
        res.setHeader('Vary', 'Accept-Encoding')
        if (page.encoding) res.setHeader('Content-Encoding', page.encoding)
        res.end(page.body)
        return
      }
    } catch {
      // the database is unreachable or the like: Remix answers (and says why)
    }
    return runPage(req, () => remix(req, res, next))
  }),
)
const port = Number(process.env.PORT ?? 3000)
const server = app.listen(port, () => console.log(`[server] http://localhost:${port}`))

// a fault outside a request (a connection the database ended, a timer) is reported, never the end of
// the server: only the requests in flight may fail (ADR 013)
process.on('unhandledRejection', (reason) => console.error(`[server] необработанная ошибка: ${reason instanceof Error ? reason.message : reason}`))

// SIGINT/SIGTERM: stop taking requests, let those in flight finish (10 s at most), close the database
// (the embedded server stops once no process of the product uses it), then exit
let stopping = false
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (stopping) return
    stopping = true
    console.log('[server] остановка…')
    const force = setTimeout(() => process.exit(1), 10_000)
    force.unref()
    server.close(async () => {
      try {
        const database = await globalThis.__sqDatabase
        await database?.close()
      } catch {
        // not open, or already gone
      }
      process.exit(0)
    })
    server.closeIdleConnections?.()
  })
}
