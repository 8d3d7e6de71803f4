/**
 * Issue 16: no page of any role shows text meant for developers. A server of its own with the demo data
 * (every kind of record, rules, surveys, the calendar) is crawled over HTTP as each demo user: every link of
 * the product reachable from the landing page (a few of each kind of page), each page's visible text checked
 * against a list of internal texts. A page that cannot be loaded (5xx) fails too.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { DEMO_USERS } from '#app/demo/users.ts'
import { freePort } from '#test/setup/net.ts'
import { internalTextsOf } from './internal-texts.ts'

const root = path.resolve(import.meta.dirname, '../..')

/** Links not to follow: files, signing out, actions. */
const SKIP = /\/logout|\.xlsx|\.csv|\/download\/|\/file$|\/progress$|\.pdf|\.ods|\/publications\//

/** A page's kind: its path with numbers as «N» (a few of each kind are enough). */
const kindOf = (url: URL) => url.pathname.replace(/\/\d+/g, '/N')

let server: ChildProcess | undefined
let baseUrl = ''
let dataDir = ''

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sq-crawl-'))
  const port = await freePort()
  let log = ''
  server = spawn(process.execPath, ['server.mjs'], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'production', PORT: String(port), DATA_DIR: dataDir, DATABASE_URL: '', QUIET_REQUESTS: '1' },
  })
  server.stdout?.on('data', (d) => (log += d))
  server.stderr?.on('data', (d) => (log += d))
  baseUrl = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 170_000
  for (;;) {
    try {
      if ((await fetch(`${baseUrl}/login`)).ok) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || server.exitCode !== null) throw new Error(`the demo server did not start:\n${log}`)
    await new Promise((r) => setTimeout(r, 500))
  }
}, 180_000)

afterAll(async () => {
  if (server && server.exitCode === null) {
    server.kill('SIGTERM')
    await new Promise((r) => server!.once('exit', r))
  }
  // the embedded keeper may still be stopping its PostgreSQL
  fs.rmSync(dataDir, { recursive: true, force: true, maxRetries: 20, retryDelay: 500 })
})

async function signIn(login: string, password: string): Promise<string> {
  const body = new URLSearchParams({ login, password, redirectTo: '/' })
  const response = await fetch(`${baseUrl}/login`, { method: 'POST', body, redirect: 'manual', headers: { Origin: baseUrl } })
  const cookie = response.headers.get('set-cookie')
  if (response.status !== 302 || !cookie) throw new Error(`sign-in as ${login} failed: ${response.status}`)
  return cookie.split(';')[0]!
}

describe('no page of any role shows internal texts (demo data)', () => {
  it('the checker itself finds each kind of internal text', () => {
    for (const sample of [
      'form: phone',
      'callback_required: true',
      'network_appeal_phone',
      'журнал обращений (appeals)',
      'Ошибка в столбце received_at',
      'survey.link',
      '{"report":"x"}',
      'Europe/Moscow',
      'Код показателя',
      '(rg.ru), проверить',
      'вопросы спецификации',
      '1 знак(а)',
      '1 обращ. отмечены',
      'за 1 часов',
      'найдено 3 записей',
      'appeals.received',
    ]) {
      expect(internalTextsOf(`<p>${sample}</p>`), sample).not.toEqual([])
    }
    expect(internalTextsOf('<option>журнал обращений<!-- --> (<!-- -->appeals<!-- -->)</option>')).not.toEqual([])
    for (const fine of [
      'не более 4 часов',
      '4 часа',
      '1 час',
      '25 строк',
      '3 строки',
      'Москва (UTC+3)',
      '1,5 часа',
      'за 11 дней',
      '<a href="?sort=received_at">Поступило</a>',
    ]) {
      expect(internalTextsOf(`<p>${fine}</p>`), fine).toEqual([])
    }
  })

  it.each(DEMO_USERS.map((u) => [u.login, u.password] as const))('%s', async (login, password) => {
    const cookie = await signIn(login, password)
    const queue = [
      '/',
      '/help',
      '/dashboard?period=year&year=2025',
      '/deadlines?period=year&year=2025',
      '/registers/appeals?period=year&year=2025',
      '/registers/calls?period=year&year=2025',
      '/registers/visits?period=year&year=2025',
    ]
    const seen = new Set<string>()
    const perKind = new Map<string, number>()
    const problems: string[] = []
    let visited = 0
    while (queue.length && visited < 90) {
      const next = new URL(queue.shift()!, baseUrl)
      if (seen.has(next.pathname + next.search)) continue
      seen.add(next.pathname + next.search)
      const kind = kindOf(next)
      if ((perKind.get(kind) ?? 0) >= 3) continue
      perKind.set(kind, (perKind.get(kind) ?? 0) + 1)
      const response = await fetch(next, { headers: { Cookie: cookie }, redirect: 'manual' })
      visited++
      if (response.status >= 500) problems.push(`${next.pathname}${next.search}: ответ ${response.status}`)
      if (!(response.headers.get('content-type') ?? '').includes('text/html') || response.status !== 200) continue
      const html = await response.text()
      // the format guide and the mapping editor document the files' own headers and rule codes (formats.md): there they are the content
      const documentsFiles = /^\/imports\/(formats|mappings)/.test(next.pathname)
      for (const p of internalTextsOf(html)) {
        if (documentsFiles && /^(имя поля или столбца|код правила):/.test(p)) continue
        problems.push(`${next.pathname}${next.search} — ${p}`)
      }
      for (const m of html.matchAll(/<a [^>]*href="([^"#]+)"/g)) {
        const href = m[1]!.replace(/&amp;/g, '&')
        const url = new URL(href, next)
        if (url.origin !== baseUrl || SKIP.test(url.pathname) || /download/.test(m[0])) continue
        queue.push(url.pathname + url.search)
      }
    }
    expect(visited).toBeGreaterThan(15)
    expect(problems).toEqual([])
  })
})
