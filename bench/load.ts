/**
 * `npm run bench:load [-- --users 50 --seconds 60 --import-rows 100000] [--big [--only-big] [--keep-data]] [--smoke]`
 * Many users at once, as a new user would try the product: builds the app if needed, starts `node
 * server.mjs` on a fresh DATA_DIR in a temporary folder (the server creates the demo organisation on its
 * empty embedded PostgreSQL) on a free port of 127.0.0.1, signs the demo users in and then measures
 *   - one user: the dashboard's year view, median of 15 sequential requests (nothing else running);
 *   - A: N users for D seconds, each looping over the dashboard (year, quarter, a branch, an office), the three
 *     registers, «Сроки», Appendix 7 and survey results — requests per second, p50/p95/max and errors per
 *     page, the peak resident memory of the product (server process + all processes of its PostgreSQL, from
 *     /proc) and the CPU the server and PostgreSQL used;
 *   - B: while 5 users load the dashboard, an operator uploads a generated calls CSV through the browser's
 *     route (POST /imports/upload): dashboard p95 during the import, the time until its progress is visible;
 *   - C (`--big`): the same N-user mix on PostgreSQL with a year of 10 M calls, 1 M appeals, 1 M visits
 *     (bench/generate.ts; BENCH_DATABASE_URL or a throwaway embedded server). `--only-big`: only C.
 *     `--keep-data` (with BENCH_DATABASE_URL): the prepared database `sq_bench_load` is kept, and a later run
 *     with the same volumes reuses it (migrated to the latest schema, rollups refreshed) instead of the
 *     ≈ 10 minutes of generating it again.
 * Traffic only to 127.0.0.1; every loop is bounded in count and time. Prints a Russian summary with the
 * targets of issue #13 beside the results and writes bench/out/load.json. Exits 0 unless a request failed
 * (any non-2xx answer or network error) or the setup failed — the targets are reported, not enforced.
 * `--smoke` (npm test): 3 users, 5 s, a 5 000-row import; nothing written to bench/out.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
import pg from 'pg'
import { writeCalls } from './calls-csv.ts'
import {
  type BenchServer,
  benchServer,
  cpuSeconds,
  fmt,
  freshDatabase,
  machine,
  median,
  memorySampler,
  onInterrupt,
  outputDir,
  percentile,
  postgresPids,
  postmasterPid,
  root,
  withDatabase,
} from './common.ts'
import { yearGenerator } from './generate.ts'
import { BENCHMARKS, benchArgs, volume } from './options.ts'
import { DEMO_USERS } from '#app/demo/users.ts'
import { getOrganisation, updateOrganisation } from '#app/models/organisation.server.ts'
import { createUser } from '#app/models/user.server.ts'
import { type Database, openDatabase } from '#db/client.server.ts'
import { ensureEmbeddedServer, stopEmbeddedServer } from '#db/embedded.server.ts'
import { migrateToLatest } from '#db/migrate.ts'
import { refreshRollups } from '#reports/metrics/rollups.server.ts'
import { freePort } from '#test/setup/net.ts'

const values = benchArgs(BENCHMARKS.load.options)
const SMOKE = values.smoke
const USERS = Math.max(1, volume(values, 'users', 3))
const SECONDS = Math.max(1, volume(values, 'seconds', 5))
const IMPORT_ROWS = Math.max(1, volume(values, 'import-rows', 5000))
const BIG = values.big || values['only-big']
const ONLY_BIG = values['only-big']
const KEEP_DATA = values['keep-data']
const IMPORT_USERS = Math.min(5, USERS)
const SINGLE_RUNS = SMOKE ? 3 : 15
/** A request that takes longer is abandoned and counted as an error. */
const REQUEST_TIMEOUT_MS = 60_000
/** Per user and phase: a loop ends after this many requests even if time is left. */
const MAX_REQUESTS_PER_USER = 100_000
/** The demo users the load signs in, in turn (all roles that see the pages of the mix). */
const LOAD_LOGINS = ['rukovoditel', 'filial', 'kachestvo', 'otchetnost', 'admin']
const YEAR = 2025

const targets = {
  errors: 0,
  p95Ms: 500,
  p50Ms: 150,
  singleMs: 100,
  importP95Ms: 1000,
  progressMs: 2000,
  memoryMb: 1024,
  bigP95Ms: 1000,
}

// ---------------------------------------------------------------- setup

function newestMtime(dir: string): number {
  let newest = 0
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs)
  }
  return newest
}

/** As scripts/start.mjs: build when the build is missing or older than the sources. */
function ensureBuilt(): void {
  const built = fs.existsSync(path.join(root, 'build/index.js')) ? fs.statSync(path.join(root, 'build/index.js')).mtimeMs : 0
  const sources = Math.max(...['app', 'db', 'reports'].map((d) => newestMtime(path.join(root, d))), fs.statSync(path.join(root, 'remix.config.js')).mtimeMs)
  if (built >= sources) return
  console.log('Сборка приложения (npm run build)…')
  const result = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, NODE_ENV: 'production' } })
  if (result.status !== 0) throw new Error(`сборка приложения не удалась (код ${result.status ?? result.signal})`)
}

interface Product {
  base: string
  process: ChildProcess
  /** The embedded PostgreSQL's data folder whose processes count as the product's. */
  pgDataDir?: string
  /** Seconds from the start until /healthcheck answered 200 (migrations, demo data). */
  readySeconds: number
  log(): string
  stop(): Promise<void>
}

/** Starts `node server.mjs` on a free loopback port; resolves once /healthcheck answers 200. */
async function startProduct(tmp: string, env: Record<string, string>, pgDataDir: string | undefined): Promise<Product> {
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const logFile = path.join(tmp, 'server.log')
  const log = fs.openSync(logFile, 'a')
  const started = performance.now()
  // BENCH_PRODUCT_NODE_ARGS: options for the product's node only, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` (not allowed in NODE_OPTIONS)
  const nodeArgs = (process.env.BENCH_PRODUCT_NODE_ARGS ?? '').split(' ').filter(Boolean)
  const child = spawn(process.execPath, [...nodeArgs, 'server.mjs'], {
    cwd: root,
    stdio: ['ignore', log, log],
    env: { ...process.env, NODE_ENV: 'production', PORT: String(port), QUIET_REQUESTS: '1', DATABASE_URL: '', BENCH_DATABASE_URL: '', ...env },
  })
  fs.closeSync(log)
  const readLog = () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '')
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM')
      const exited = await Promise.race([
        new Promise((resolve) => child.once('exit', () => resolve(true))),
        new Promise((resolve) => setTimeout(() => resolve(false), 10_000)),
      ])
      if (!exited) child.kill('SIGKILL')
    }
  }
  const deadline = Date.now() + 300_000 // the first start creates the demo data
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`сервер завершился при запуске (код ${child.exitCode ?? child.signalCode}):\n${readLog().slice(-3000)}`)
    // 503 while the database is being prepared (migrations, the demo data); a failed preparation is in the log
    if (readLog().includes('Не удалось подготовить базу данных')) {
      await stop()
      throw new Error(`сервер не смог подготовить базу данных:\n${readLog().slice(-3000)}`)
    }
    try {
      const res = await fetch(`${base}/healthcheck`, { signal: AbortSignal.timeout(10_000) })
      await res.arrayBuffer()
      if (res.ok) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`сервер не ответил на /healthcheck за 5 минут:\n${readLog().slice(-3000)}`)
    }
    await new Promise((r) => setTimeout(r, 250))
  }
  return { base, process: child, pgDataDir, readySeconds: (performance.now() - started) / 1000, log: readLog, stop }
}

// ---------------------------------------------------------------- requests

interface Sample {
  kind: string
  ms: number
  status: number // 0: network error or timeout
  at: number
  bytes: number
  /** answered from the page cache (X-Page-Cache: hit, ADR 023) */
  hit?: boolean
}

class Recorder {
  samples: Sample[] = []
  errors = new Map<string, number>()
  record(kind: string, ms: number, status: number, at: number, error?: string, bytes = 0, hit = false) {
    this.samples.push({ kind, ms, status, at, bytes, hit })
    if (status < 200 || status > 299) {
      const key = `${kind}: ${status === 0 ? (error ?? 'сетевая ошибка') : `код ${status}`}`
      this.errors.set(key, (this.errors.get(key) ?? 0) + 1)
    }
  }
}

/**
 * The pages of the load are read as a browser's network layer reads them: over kept-alive connections, with
 * the browser's Accept-Encoding, until the last byte — but not inflated nor decoded, since that is the
 * browser's work on the user's machine, not the server's. (fetch would inflate and decode every page here, on
 * the product's two cores: with it the generator took 77 % of a core, as much as the server and PostgreSQL
 * together, ADR 034.) `bytes`: as they travelled.
 */
const pageAgent = new http.Agent({ keepAlive: true, maxSockets: 1000 })

function timedGet(url: string, cookie: string): Promise<{ status: number; ms: number; bytes: number; hit: boolean; error?: string }> {
  const started = performance.now()
  return new Promise((resolve) => {
    const done = (result: { status: number; bytes: number; hit: boolean; error?: string }) => resolve({ ...result, ms: performance.now() - started })
    const request = http.get(
      url,
      { agent: pageAgent, headers: { Cookie: cookie, Accept: 'text/html', 'Accept-Encoding': 'gzip, deflate, br, zstd' }, timeout: REQUEST_TIMEOUT_MS },
      (response) => {
        let bytes = 0
        response.on('data', (chunk: Buffer) => (bytes += chunk.length))
        response.on('end', () => done({ status: response.statusCode ?? 0, bytes, hit: response.headers['x-page-cache'] === 'hit' }))
        response.on('error', (error) => done({ status: 0, bytes, hit: false, error: error.message }))
      },
    )
    request.on('timeout', () => request.destroy(new Error(`нет ответа за ${REQUEST_TIMEOUT_MS / 1000} с`)))
    request.on('error', (error) => done({ status: 0, bytes: 0, hit: false, error: error.message }))
  })
}

async function timedFetch(url: string, init: RequestInit): Promise<{ status: number; ms: number; body: string; headers: Headers; error?: string }> {
  const started = performance.now()
  try {
    const res = await fetch(url, { redirect: 'manual', ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })
    const body = await res.text()
    return { status: res.status, ms: performance.now() - started, body, headers: res.headers }
  } catch (error) {
    const name = (error as Error).name
    return {
      status: 0,
      ms: performance.now() - started,
      body: '',
      headers: new Headers(),
      error: name === 'TimeoutError' ? `нет ответа за ${REQUEST_TIMEOUT_MS / 1000} с` : (error as Error).message,
    }
  }
}

interface Session {
  login: string
  cookie: string
  branch?: string
  offices: string[]
}

async function signIn(base: string, login: string, password: string): Promise<string> {
  const body = new URLSearchParams({ login, password, redirectTo: '/' })
  const res = await timedFetch(`${base}/login`, { method: 'POST', body, headers: { Origin: base, 'Content-Type': 'application/x-www-form-urlencoded' } })
  const cookies = res.headers.getSetCookie().map((c) => c.split(';')[0]!)
  if (res.status !== 302 || cookies.length === 0) throw new Error(`вход «${login}» не удался: код ${res.status || res.error}`)
  return cookies.join('; ')
}

/** Sign-ins five at a time (argon2 is deliberately slow); all succeed, so the throttling never applies. */
async function signInAll(base: string, logins: string[], passwordOf: (login: string) => string): Promise<{ cookies: string[]; seconds: number }> {
  const started = performance.now()
  const cookies: string[] = new Array(logins.length)
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(5, logins.length) }, async () => {
      while (next < logins.length) {
        const i = next++
        cookies[i] = await signIn(base, logins[i]!, passwordOf(logins[i]!))
      }
    }),
  )
  return { cookies, seconds: (performance.now() - started) / 1000 }
}

interface OrgData {
  branches: { id: string; name: string }[]
  offices: { code: string; branchId: string | null }[]
  surveys: string[]
}

async function readOrgData(connection: pg.ClientConfig): Promise<OrgData> {
  const client = new pg.Client(connection)
  client.on('error', () => {})
  await client.connect()
  try {
    const branches = (await client.query<{ id: string; name: string }>('select id::text, name from branch order by id')).rows
    const offices = (
      await client.query<{ code: string; branchId: string | null }>(
        'select office_code as code, branch_id::text as "branchId" from office order by office_code',
      )
    ).rows
    const surveys = (await client.query<{ id: string }>('select id::text from survey order by id')).rows.map((r) => r.id)
    return { branches, offices, surveys }
  } finally {
    await client.end().catch(() => {})
  }
}

async function queryOne<T extends pg.QueryResultRow>(connection: pg.ClientConfig, text: string, params: unknown[]): Promise<T | undefined> {
  const client = new pg.Client(connection)
  client.on('error', () => {})
  await client.connect()
  try {
    return (await client.query<T>(text, params)).rows[0]
  } finally {
    await client.end().catch(() => {})
  }
}

/** The page mix of one user: the n-th request's kind and path. */
function pageMix(session: Session, data: OrgData): { kind: string; path: (n: number) => string }[] {
  const year = `period=year&year=${YEAR}`
  const pick = <T>(xs: T[], n: number): T | undefined => (xs.length ? xs[n % xs.length] : undefined)
  const branches = session.branch ? [session.branch] : data.branches.map((b) => b.id)
  return [
    { kind: 'Показатели: год', path: () => `/dashboard?${year}` },
    { kind: 'Показатели: квартал', path: (n) => `/dashboard?period=quarter&year=${YEAR}&quarter=${1 + (n % 4)}` },
    { kind: 'Показатели: филиал', path: (n) => `/dashboard?${year}&branch=${pick(branches, n) ?? ''}` },
    { kind: 'Показатели: офис', path: (n) => `/dashboard?${year}&office=${encodeURIComponent(pick(session.offices, n) ?? '')}` },
    { kind: 'Журнал обращений', path: () => `/registers/appeals?${year}` },
    { kind: 'Журнал звонков', path: () => `/registers/calls?${year}` },
    { kind: 'Журнал посещений', path: () => `/registers/visits?${year}` },
    { kind: 'Сроки', path: () => '/deadlines' },
    { kind: 'Приложение 7', path: () => `/reports/appendix-7?year=${YEAR}` },
    { kind: 'Итоги опроса', path: (n) => `/surveys/${pick(data.surveys, n)}` },
  ]
}

const DASHBOARD_KINDS = 4 // the first four of the mix

/** Each user loops over its pages (starting at a different one) until `until()` or the request cap. */
async function runUsers(base: string, sessions: Session[], data: OrgData, recorder: Recorder, until: () => boolean, onlyDashboard = false): Promise<void> {
  await Promise.all(
    sessions.map(async (session, u) => {
      const mix = pageMix(session, data).slice(0, onlyDashboard ? DASHBOARD_KINDS : undefined)
      for (let n = 0; n < MAX_REQUESTS_PER_USER && !until(); n++) {
        const page = mix[(u + n) % mix.length]!
        const at = performance.now()
        const res = await timedGet(`${base}${page.path(Math.floor((u + n) / mix.length))}`, session.cookie)
        recorder.record(page.kind, res.ms, res.status, at, res.error, res.bytes, res.hit)
      }
    }),
  )
}

interface KindStats {
  kind: string
  requests: number
  perSecond: number
  p50Ms: number
  p95Ms: number
  maxMs: number
  errors: number
  /** average size of the answer as it travelled (gzipped when kept and compressed), kB */
  kb: number
  /** share of answers from the page cache, % */
  hitPct: number
}

function stats(samples: Sample[], seconds: number): { all: KindStats; kinds: KindStats[] } {
  const of = (kind: string, xs: Sample[]): KindStats => {
    const ms = xs.map((s) => s.ms)
    return {
      kind,
      requests: xs.length,
      perSecond: Number((xs.length / seconds).toFixed(2)),
      p50Ms: Math.round(percentile(ms, 0.5)),
      p95Ms: Math.round(percentile(ms, 0.95)),
      maxMs: Math.round(xs.length ? Math.max(...ms) : Number.NaN),
      errors: xs.filter((s) => s.status < 200 || s.status > 299).length,
      kb: xs.length ? Math.round(xs.reduce((t, s) => t + s.bytes, 0) / xs.length / 1024) : 0,
      hitPct: xs.length ? Math.round((xs.filter((s) => s.hit).length / xs.length) * 100) : 0,
    }
  }
  const order = [...pageMix({ login: '', cookie: '', offices: [] }, { branches: [], offices: [], surveys: [] }).map((p) => p.kind), 'Ход загрузки']
  const kinds = [...new Set(samples.map((s) => s.kind))].sort((a, b) => order.indexOf(a) - order.indexOf(b))
  return {
    all: of('Все страницы', samples),
    kinds: kinds.map((k) =>
      of(
        k,
        samples.filter((s) => s.kind === k),
      ),
    ),
  }
}

// ---------------------------------------------------------------- the product's processes

function productPids(product: Product): Record<string, number[]> {
  const groups: Record<string, number[]> = { server: product.process.pid ? [product.process.pid] : [] }
  if (product.pgDataDir) groups.postgres = postgresPids(product.pgDataDir)
  return groups
}

function cpuNow(product: Product) {
  const master = product.pgDataDir ? postmasterPid(product.pgDataDir) : undefined
  return {
    at: performance.now(),
    server: cpuSeconds(product.process.pid ? [product.process.pid] : []),
    postgres: product.pgDataDir ? cpuSeconds(postgresPids(product.pgDataDir), master ? [master] : []) : Number.NaN,
    bench: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
  }
}

function cpuShare(from: ReturnType<typeof cpuNow>, to: ReturnType<typeof cpuNow>) {
  const seconds = (to.at - from.at) / 1000
  const pct = (a: number, b: number) => Math.round(((b - a) / seconds) * 100)
  return { serverPct: pct(from.server, to.server), postgresPct: pct(from.postgres, to.postgres), loadGeneratorPct: pct(from.bench, to.bench) }
}

/**
 * A poor man's profile of PostgreSQL during the load: every 250 ms, the statements the product's connections
 * are running (pg_stat_activity), counted by their first words; the share of samples says where the database's time goes.
 */
function activitySampler(connection: pg.ClientConfig | undefined) {
  const counts = new Map<string, number>()
  const waits = new Map<string, number>()
  let samples = 0
  let stopped = false
  const client = connection ? new pg.Client(connection) : undefined
  client?.on('error', () => {})
  const loop = (async () => {
    if (!client) return
    try {
      await client.connect()
      for (let i = 0; i < 10_000 && !stopped; i++) {
        const rows = (
          await client.query<{ query: string; wait: string }>(
            `select regexp_replace(left(query, 400), '\\s+', ' ', 'g') as query, coalesce(wait_event_type || ':' || wait_event, 'ЦП') as wait
             from pg_stat_activity where state = 'active' and application_name like 'service-quality%' and pid <> pg_backend_pid()`,
          )
        ).rows
        samples++
        for (const r of rows) {
          const key = r.query.replace(/\$\d+/g, '?').trim().slice(0, 160)
          counts.set(key, (counts.get(key) ?? 0) + 1)
          waits.set(r.wait, (waits.get(r.wait) ?? 0) + 1)
        }
        await new Promise((r) => setTimeout(r, 250))
      }
    } catch {
      // the profile is a hint, never a failure
    }
  })()
  return {
    async stop() {
      stopped = true
      await loop
      await client?.end().catch(() => {})
      const top = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10)
      return {
        samples,
        /** average number of statements running at once */
        activeAverage: samples ? Number(([...counts.values()].reduce((x, y) => x + y, 0) / samples).toFixed(2)) : 0,
        top: top.map(([query, n]) => ({ query, perSample: Number((n / Math.max(1, samples)).toFixed(2)) })),
        waits: Object.fromEntries([...waits.entries()].sort((a, b) => b[1] - a[1]).map(([k, n]) => [k, Number((n / Math.max(1, samples)).toFixed(2))])),
      }
    },
  }
}

// ---------------------------------------------------------------- scenarios

interface MixResult {
  users: number
  seconds: number
  requestsPerSecond: number
  all: KindStats
  kinds: KindStats[]
  errors: Record<string, number>
  memory: { peakRssMb: number; peakPssMb: number; serverPeakRssMb: number; postgresPeakRssMb: number; postgresProcesses: number }
  cpu: ReturnType<typeof cpuShare>
  /** the machine's load average (1 min) before and after: other processes share the cores */
  loadAverage: [number, number]
  postgresActivity: Awaited<ReturnType<ReturnType<typeof activitySampler>['stop']>>
  /** the answers by the 10 s in which their request began: the first after a start (cold views) against the rest */
  windows: { fromS: number; requests: number; p50Ms: number; p95Ms: number }[]
}

const WINDOW_S = 10

function byWindow(samples: Sample[], started: number): MixResult['windows'] {
  const out: MixResult['windows'] = []
  for (const s of samples) {
    const i = Math.floor((s.at - started) / 1000 / WINDOW_S)
    while (out.length <= i) out.push({ fromS: out.length * WINDOW_S, requests: 0, p50Ms: 0, p95Ms: 0 })
  }
  return out.map((w) => {
    const times = samples.filter((s) => s.at - started >= w.fromS * 1000 && s.at - started < (w.fromS + WINDOW_S) * 1000).map((s) => s.ms)
    return { ...w, requests: times.length, p50Ms: Math.round(percentile(times, 0.5)), p95Ms: Math.round(percentile(times, 0.95)) }
  })
}

/** Scenario A (and C): every user loops over the whole mix for SECONDS. */
async function mixedLoad(product: Product, sessions: Session[], data: OrgData, db: pg.ClientConfig | undefined): Promise<MixResult> {
  const recorder = new Recorder()
  const load0 = os.loadavg()[0]!
  const activity = activitySampler(db)
  const sampler = memorySampler(() => productPids(product))
  const cpu0 = cpuNow(product)
  const started = performance.now()
  const end = started + SECONDS * 1000
  await runUsers(product.base, sessions, data, recorder, () => performance.now() >= end)
  const seconds = (performance.now() - started) / 1000
  const cpu1 = cpuNow(product)
  const memory = sampler.stop()
  const postgresActivity = await activity.stop()
  const { all, kinds } = stats(recorder.samples, seconds)
  return {
    users: sessions.length,
    seconds: Number(seconds.toFixed(1)),
    requestsPerSecond: all.perSecond,
    all,
    kinds,
    errors: Object.fromEntries(recorder.errors),
    memory: {
      peakRssMb: Math.round(memory.total.rssMb),
      peakPssMb: Math.round(memory.total.pssMb),
      serverPeakRssMb: Math.round(memory.groups.server?.rssMb ?? 0),
      postgresPeakRssMb: Math.round(memory.groups.postgres?.rssMb ?? 0),
      postgresProcesses: memory.groups.postgres?.processes ?? 0,
    },
    cpu: cpuShare(cpu0, cpu1),
    loadAverage: [Number(load0.toFixed(1)), Number(os.loadavg()[0]!.toFixed(1))],
    postgresActivity,
    windows: byWindow(recorder.samples, started),
  }
}

/** Every page of the mix once, one after another (cold: the first opening after the start); all must answer 2xx. */
async function tour(product: Product, sessions: Session[], data: OrgData) {
  const recorder = new Recorder()
  // each role once, so that every kind of user opens every page at least once (the smoke run's check)
  const seen = new Set<string>()
  for (const session of sessions) {
    if (seen.has(session.login)) continue
    seen.add(session.login)
    for (const page of pageMix(session, data)) {
      const at = performance.now()
      const res = await timedGet(`${product.base}${page.path(0)}`, session.cookie)
      recorder.record(page.kind, res.ms, res.status, at, res.error, res.bytes, res.hit)
      if (res.status < 200 || res.status > 299) console.log(`  ${session.login}: ${page.path(0)} — ${res.status ? `код ${res.status}` : res.error}`)
    }
  }
  return { roles: [...seen], ...stats(recorder.samples, 1), errors: Object.fromEntries(recorder.errors) }
}

/** One user, nothing else running: the dashboard's year view, one warm-up request, then the median. */
async function singleUser(product: Product, session: Session) {
  const url = `${product.base}/dashboard?period=year&year=${YEAR}`
  const first = await timedGet(url, session.cookie)
  if (first.status !== 200) throw new Error(`показатели для одного пользователя: код ${first.status || first.error}`)
  const ms: number[] = []
  for (let i = 0; i < SINGLE_RUNS; i++) {
    const res = await timedGet(url, session.cookie)
    if (res.status !== 200) throw new Error(`показатели для одного пользователя: код ${res.status || res.error}`)
    ms.push(res.ms)
  }
  return {
    runs: SINGLE_RUNS,
    firstMs: Math.round(first.ms),
    medianMs: Math.round(median(ms)),
    minMs: Math.round(Math.min(...ms)),
    maxMs: Math.round(Math.max(...ms)),
  }
}

/** Whether a progress answer shows the processing under way: rows read (a queued import shows nothing yet). */
function progressVisible(json: Record<string, unknown>): boolean {
  return json.running === true && typeof json.rowsRead === 'number' && json.rowsRead > 0
}

/** Scenario B: IMPORT_USERS users on the dashboard while the operator uploads a calls CSV. */
async function importUnderLoad(product: Product, sessions: Session[], operatorCookie: string, data: OrgData, csv: string, db: pg.ClientConfig) {
  const recorder = new Recorder()
  let stopUsers = false
  const hardStop = performance.now() + 600_000
  const users = runUsers(product.base, sessions, data, recorder, () => stopUsers || performance.now() > hardStop, true)
  // a few seconds of dashboard without the import, to compare
  const baselineEnd = performance.now() + (SMOKE ? 1000 : 5000)
  while (performance.now() < baselineEnd) await new Promise((r) => setTimeout(r, 100))
  const uploadStart = performance.now()
  const form = new FormData()
  form.set('kind', 'calls')
  form.set('file', new Blob([fs.readFileSync(csv)], { type: 'text/csv' }), path.basename(csv))
  const upload = await timedFetch(`${product.base}/imports/upload`, {
    method: 'POST',
    body: form,
    headers: { Cookie: operatorCookie, Origin: product.base, Accept: 'application/json' },
  })
  const progressRequests = new Recorder()
  let batchId: string | undefined
  let visibleMs: number | undefined
  let firstProgressMs: number | undefined
  let finishedMs: number | undefined
  let finalStatus: { status: string; rows_inserted: number; message: string | null } | undefined
  let failure: string | undefined
  try {
    if (upload.status !== 200) throw new Error(`загрузка файла: код ${upload.status || upload.error}: ${upload.body.slice(0, 300)}`)
    const answer = JSON.parse(upload.body) as { url?: string; batchId?: string; id?: string }
    batchId = answer.batchId ?? answer.id ?? /\/imports\/(\d+)/.exec(answer.url ?? '')?.[1]
    if (!batchId) throw new Error(`загрузка файла: в ответе нет номера загрузки: ${upload.body.slice(0, 300)}`)
    // poll as the import page does (it refreshes every 2 s; here every 100 ms to time it), at most 10 minutes
    for (let i = 0; i < 6000; i++) {
      const at = performance.now()
      const res = await timedFetch(`${product.base}/imports/${batchId}/progress`, { headers: { Cookie: operatorCookie, Accept: 'application/json' } })
      progressRequests.record('Ход загрузки', res.ms, res.status, at, res.error)
      if (res.status === 200) {
        firstProgressMs ??= performance.now() - uploadStart
        let json: Record<string, unknown> = {}
        try {
          json = JSON.parse(res.body) as Record<string, unknown>
        } catch {
          // counted below: never visible
        }
        if (visibleMs === undefined && progressVisible(json)) visibleMs = performance.now() - uploadStart
      }
      const row = await queryOne<{ status: string; rows_inserted: number; message: string | null }>(
        db,
        'select status, rows_inserted, message from import_batch where id = $1',
        [batchId],
      )
      if (row && row.status !== 'running' && row.status !== 'queued') {
        finishedMs = performance.now() - uploadStart
        // finished between two polls: what it read is visible now (the import page shows the result)
        visibleMs ??= finishedMs
        finalStatus = row
        break
      }
      await new Promise((r) => setTimeout(r, 100))
    }
    if (!finalStatus) throw new Error('загрузка не закончилась за 10 минут')
  } catch (error) {
    failure = (error as Error).message
  } finally {
    stopUsers = true
    await users
  }
  const importEnd = uploadStart + (finishedMs ?? 0)
  const baseline = recorder.samples.filter((s) => s.at < uploadStart)
  const during = recorder.samples.filter((s) => s.at >= uploadStart && s.at <= importEnd)
  const duringStats = stats(during, Math.max(0.001, (importEnd - uploadStart) / 1000)).all
  const baselineStats = stats(baseline, (uploadStart - (baselineEnd - (SMOKE ? 1000 : 5000))) / 1000).all
  return {
    users: sessions.length,
    rows: IMPORT_ROWS,
    fileMb: Number((fs.statSync(csv).size / 2 ** 20).toFixed(1)),
    uploadMs: Math.round(upload.ms),
    firstProgressMs: firstProgressMs === undefined ? null : Math.round(firstProgressMs),
    progressVisibleMs: visibleMs === undefined ? null : Math.round(visibleMs),
    /** the same, counted from the upload's answer (the file has arrived) */
    progressVisibleAfterAnswerMs: visibleMs === undefined ? null : Math.max(0, Math.round(visibleMs - upload.ms)),
    importSeconds: finishedMs === undefined ? null : Number((finishedMs / 1000).toFixed(1)),
    importStatus: finalStatus?.status ?? null,
    rowsInserted: finalStatus?.rows_inserted ?? null,
    importMessage: finalStatus?.message ?? null,
    dashboardBefore: baselineStats,
    dashboardDuring: duringStats,
    progress: stats(progressRequests.samples, Math.max(0.001, (finishedMs ?? 1) / 1000)).all,
    errors: Object.fromEntries([...recorder.errors, ...progressRequests.errors]),
    failure,
  }
}

// ---------------------------------------------------------------- output

const ms = (n: number | null | undefined) => (n === null || n === undefined || Number.isNaN(n) ? '—' : `${fmt(n)} мс`)

/** A plain-text table; `left`: how many first columns are left-aligned (the rest are figures). */
function table(header: string[], rows: (string | number)[][], left = 1): string {
  const cells = [header, ...rows.map((r) => r.map(String))]
  const widths = header.map((_, i) => Math.max(...cells.map((r) => [...(r[i] ?? '')].length)))
  const line = (r: string[]) => r.map((c, i) => (i < left ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')
  return [line(cells[0]!), widths.map((w) => '─'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n')
}

function printMix(title: string, r: MixResult) {
  console.log(`\n${title}: ${r.users} пользователей, ${fmt(r.seconds, 1)} с, ${fmt(r.requestsPerSecond, 1)} запросов/с`)
  console.log(
    table(
      ['Страница', 'Запросов', 'В секунду', 'p50', 'p95', 'Макс.', 'Ошибок', 'Передано, КБ', 'Из кеша, %'],
      [...r.kinds, r.all].map((k) => [
        k.kind,
        fmt(k.requests),
        fmt(k.perSecond, 1),
        ms(k.p50Ms),
        ms(k.p95Ms),
        ms(k.maxMs),
        fmt(k.errors),
        fmt(k.kb),
        fmt(k.hitPct),
      ]),
    ),
  )
  console.log(
    `Память продукта (пик суммы RSS): ${fmt(r.memory.peakRssMb)} МБ — сервер ${fmt(r.memory.serverPeakRssMb)} МБ, ` +
      (Number.isNaN(r.cpu.postgresPct)
        ? 'PostgreSQL не измерялся (внешний сервер BENCH_DATABASE_URL, его процессы не видны); '
        : `PostgreSQL ${fmt(r.memory.postgresPeakRssMb)} МБ (${r.memory.postgresProcesses} процессов); `) +
      `PSS (общие страницы поделены): ${fmt(r.memory.peakPssMb)} МБ`,
  )
  console.log(
    `ЦП за время нагрузки (100 % = одно ядро): сервер Node ${r.cpu.serverPct} %, PostgreSQL ${Number.isNaN(r.cpu.postgresPct) ? '—' : `${r.cpu.postgresPct} %`}, генератор нагрузки ${r.cpu.loadGeneratorPct} %`,
  )
  const perRequest = (pct: number) => (r.all.requests ? fmt(((pct / 100) * r.seconds * 1000) / r.all.requests, 1) : '—')
  console.log(
    `ЦП на запрос: сервер Node ${perRequest(r.cpu.serverPct)} мс, PostgreSQL ${Number.isNaN(r.cpu.postgresPct) ? '—' : perRequest(r.cpu.postgresPct)} мс`,
  )
  console.log(
    `По ${WINDOW_S} с от начала (запросов, p50/p95): ${r.windows.map((w) => `${w.fromS}–${w.fromS + WINDOW_S} с: ${fmt(w.requests)}, ${ms(w.p50Ms)}/${ms(w.p95Ms)}`).join('; ')}`,
  )
  console.log(`Средняя загрузка машины (load average, 1 мин): ${fmt(r.loadAverage[0], 1)} до, ${fmt(r.loadAverage[1], 1)} после (ядер: ${os.cpus().length})`)
  const act = r.postgresActivity
  if (act.samples) {
    console.log(
      `PostgreSQL: в среднем ${fmt(act.activeAverage, 1)} запросов выполняются одновременно; ожидания: ${Object.entries(act.waits)
        .map(([k, v]) => `${k} ${fmt(v, 2)}`)
        .join(', ')}`,
    )
    console.log('Чаще всего выполняются (в среднем одновременно):')
    for (const t of act.top.slice(0, 8)) console.log(`  ${fmt(t.perSample, 2).padStart(5)}  ${t.query}`)
  }
  for (const [what, n] of Object.entries(r.errors)) console.log(`  ошибка ${what}: ${n}`)
}

// ---------------------------------------------------------------- main

/** Generates the big year (bench/generate.ts) into a fresh database `sq_bench_load` and marks it with its volumes. */
async function prepareBig(serverUrl: string, volumes: { calls: number; appeals: number; visits: number }, marker: string): Promise<void> {
  const database = await freshDatabase(serverUrl, 'sq_bench_load')
  const org = await updateOrganisation(database.db, (await getOrganisation(database.db)).id, { regime: 'both', timeZone: 'Europe/Moscow' })
  const generate = yearGenerator(database.db, org.id, volumes)
  await generate.branchesAndOffices()
  await generate.appeals()
  await generate.visits()
  for (let from = 1; from <= volumes.calls; from += 2_000_000) await generate.calls(from, Math.min(volumes.calls, from + 1_999_999))
  await database.db
    .insertInto('survey')
    .values({
      org_id: org.id,
      title: 'Опрос',
      subject_kind: 'organisation',
      opens_on: `${YEAR}-01-01`,
      questions: JSON.stringify([{ id: 'q1', kind: 'csat', text: 'Оценка', required: true }]),
    })
    .execute()
  const [first] = await database.db.selectFrom('branch').select('id').orderBy('id').limit(1).execute()
  for (const u of DEMO_USERS.filter((u) => LOAD_LOGINS.includes(u.login))) {
    await createUser(database.db, org.id, {
      login: u.login,
      fullName: u.fullName,
      password: u.password,
      roles: [...u.roles],
      allBranches: !u.branch,
      branchIds: u.branch ? [first!.id] : [],
    })
  }
  await sql`analyze`.execute(database.db)
  await refreshRollups(database, org.id)
  await sql`analyze`.execute(database.db)
  await sql`comment on database ${sql.id('sq_bench_load')} is ${sql.lit(`bench:load ${marker}`)}`.execute(database.db)
  await database.close()
}

/** The database kept by an earlier `--keep-data` run with the same volumes, migrated to the latest schema; undefined otherwise. */
async function preparedDatabase(serverUrl: string, name: string, marker: string): Promise<Database | undefined> {
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  try {
    const row = await admin.query<{ comment: string | null }>('select shobj_description(oid, $2) as comment from pg_database where datname = $1', [
      name,
      'pg_database',
    ])
    if (row.rows[0]?.comment !== `bench:load ${marker}`) return undefined
  } finally {
    await admin.end()
  }
  const database = await openDatabase({ DATABASE_URL: withDatabase(serverUrl, name) })
  await migrateToLatest(database.db)
  return database
}

async function bigScenario(tmp: string, results: Record<string, unknown>): Promise<{ errors: number; p95: number }> {
  const server: BenchServer = await benchServer()
  try {
    const volumes = { calls: Number(values.calls), appeals: Number(values.appeals), visits: Number(values.visits) }
    console.log(`\nC: готовлю год данных в PostgreSQL: ${fmt(volumes.calls)} звонков, ${fmt(volumes.appeals)} обращений, ${fmt(volumes.visits)} посещений…`)
    const t = performance.now()
    const marker = JSON.stringify(volumes)
    const kept = KEEP_DATA && process.env.BENCH_DATABASE_URL ? await preparedDatabase(server.url, 'sq_bench_load', marker) : undefined
    if (kept) {
      await refreshRollups(kept, (await getOrganisation(kept.db)).id)
      await sql`analyze`.execute(kept.db)
      await kept.close()
      console.log(`данные взяты из прошлого прогона (--keep-data), сводки пересчитаны за ${fmt((performance.now() - t) / 1000)} с`)
    } else await prepareBig(server.url, volumes, marker)
    if (!kept) console.log(`данные готовы за ${fmt((performance.now() - t) / 1000)} с`)
    const url = withDatabase(server.url, 'sq_bench_load')
    const product = await startProduct(tmp, { DATABASE_URL: url, DEMO_DATA: '0', DATA_DIR: path.join(tmp, 'data-big') }, server.dataDir)
    const forget = onInterrupt(() => product.stop())
    try {
      const data = await readOrgData({ connectionString: url })
      const sessions = await sessionsFor(product.base, data, USERS)
      const r = await mixedLoad(product, sessions, data, { connectionString: url })
      printMix('C: большая база', r)
      results.big = { volumes, ...r }
      return { errors: r.all.errors, p95: r.all.p95Ms }
    } finally {
      forget()
      await product.stop()
    }
  } finally {
    await server.stop()
  }
}

async function sessionsFor(base: string, data: OrgData, count: number): Promise<Session[]> {
  const logins = Array.from({ length: count }, (_, i) => LOAD_LOGINS[i % LOAD_LOGINS.length]!)
  const password = (login: string) => DEMO_USERS.find((u) => u.login === login)!.password
  const { cookies, seconds } = await signInAll(base, logins, password)
  console.log(`Вход ${count} пользователей: ${fmt(seconds, 1)} с`)
  return logins.map((login, i) => {
    const scoped = DEMO_USERS.find((u) => u.login === login)?.branch
    const branch = scoped ? (data.branches.find((b) => b.name === scoped) ?? data.branches[0])?.id : undefined
    const offices = data.offices.filter((o) => !branch || o.branchId === branch).map((o) => o.code)
    return { login, cookie: cookies[i]!, branch, offices: offices.length ? offices : data.offices.map((o) => o.code) }
  })
}

async function main() {
  ensureBuilt()
  const out = outputDir(SMOKE)
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sq-bench-load-'))
  // as root the embedded server runs as `postgres`, which must be able to enter the folder
  fs.chmodSync(tmp, 0o711)
  const dataDir = path.join(tmp, 'data')
  let product: Product | undefined
  const cleanup = async () => {
    await product?.stop()
    await stopEmbeddedServer(dataDir)
    fs.rmSync(tmp, { recursive: true, force: true })
  }
  const forget = onInterrupt(cleanup)
  const results: Record<string, unknown> = {
    machine: machine(),
    date: new Date().toISOString(),
    smoke: SMOKE,
    commit: gitCommit(),
    users: USERS,
    seconds: SECONDS,
    targets,
  }
  let failed = false
  try {
    if (ONLY_BIG) {
      const big = await bigScenario(tmp, results)
      console.log(
        `\nЦель (issue #13): большая база, ${USERS} пользователей: p95 ${ms(big.p95)} (нужно < ${fmt(targets.bigP95Ms)} мс), ошибок ${fmt(big.errors)}`,
      )
      if (big.errors > 0) failed = true
      fs.writeFileSync(path.join(out.dir, 'load-big.json'), JSON.stringify(results, null, 2))
      return
    }
    console.log(`Запускаю продукт (node server.mjs) на новой папке данных ${dataDir}…`)
    product = await startProduct(tmp, { DATA_DIR: dataDir, DEMO_DATA: '1' }, dataDir)
    console.log(`Продукт готов (миграции и демо-данные): ${fmt(product.readySeconds, 1)} с, ${product.base}`)
    results.firstStartSeconds = Number(product.readySeconds.toFixed(1))
    const server = await ensureEmbeddedServer({ dir: dataDir })
    const db = server.connection
    const data = await readOrgData(db)
    if (!data.branches.length || !data.offices.length || !data.surveys.length)
      throw new Error(`в демо-данных нет филиалов, офисов или опросов (${data.branches.length}/${data.offices.length}/${data.surveys.length})`)
    const sessions = await sessionsFor(product.base, data, USERS)

    const walk = await tour(product, sessions, data)
    console.log(`\nОбход: каждая страница смеси по разу от каждой роли (${walk.roles.join(', ')}), первое открытие после запуска`)
    console.log(
      table(
        ['Страница', 'Запросов', 'p50', 'Макс.', 'Ошибок'],
        walk.kinds.map((k) => [k.kind, fmt(k.requests), ms(k.p50Ms), ms(k.maxMs), fmt(k.errors)]),
      ),
    )
    for (const [what, n] of Object.entries(walk.errors)) console.log(`  ошибка ${what}: ${n}`)
    results.tour = { roles: walk.roles, kinds: walk.kinds, errors: walk.errors }

    const single = await singleUser(product, sessions[0]!)
    console.log(
      `\nОдин пользователь, «Показатели» за год: медиана ${ms(single.medianMs)} из ${single.runs} (первый запрос ${ms(single.firstMs)}, от ${ms(single.minMs)} до ${ms(single.maxMs)})`,
    )
    results.single = single

    const a = await mixedLoad(product, sessions, data, db)
    printMix('A: смешанная нагрузка', a)
    results.mixed = a

    const csv = path.join(tmp, `calls-${IMPORT_ROWS}.csv`)
    writeCalls(csv, IMPORT_ROWS)
    const operator = await signIn(product.base, 'operator', DEMO_USERS.find((u) => u.login === 'operator')!.password)
    console.log(`\nB: ${IMPORT_USERS} пользователей на «Показателях», оператор загружает ${fmt(IMPORT_ROWS)} звонков через браузер…`)
    const b = await importUnderLoad(product, sessions.slice(0, IMPORT_USERS), operator, data, csv, db)
    results.import = b
    console.log(
      table(
        ['Что', 'Значение'],
        [
          ['Файл', `${fmt(b.rows)} строк, ${fmt(b.fileMb, 1)} МБ`],
          ['Ответ на загрузку файла', ms(b.uploadMs)],
          [
            'Ход загрузки (прочитано строк > 0) виден через',
            `${ms(b.progressVisibleMs)} от начала отправки, ${ms(b.progressVisibleAfterAnswerMs)} после ответа`,
          ],
          ['Импорт до конца', b.importSeconds === null ? '—' : `${fmt(b.importSeconds, 1)} с (${b.importStatus}, записано ${fmt(b.rowsInserted ?? 0)})`],
          ['Запрос хода загрузки: p50 / макс.', `${ms(b.progress.p50Ms)} / ${ms(b.progress.maxMs)}`],
          ['Показатели до загрузки: p50 / p95', `${ms(b.dashboardBefore.p50Ms)} / ${ms(b.dashboardBefore.p95Ms)}`],
          [
            'Показатели во время импорта: p50 / p95 / макс.',
            `${ms(b.dashboardDuring.p50Ms)} / ${ms(b.dashboardDuring.p95Ms)} / ${ms(b.dashboardDuring.maxMs)} (${fmt(b.dashboardDuring.requests)} запросов)`,
          ],
        ],
        2,
      ),
    )
    for (const [what, n] of Object.entries(b.errors)) console.log(`  ошибка ${what}: ${n}`)
    if (b.failure) console.log(`  загрузка: ${b.failure}`)
    const importOk = !b.failure && b.importStatus === 'done' && b.rowsInserted === IMPORT_ROWS
    if (!importOk && !b.failure)
      console.log(`  загрузка закончилась «${b.importStatus}»: записано ${b.rowsInserted} из ${IMPORT_ROWS} (${b.importMessage ?? ''})`)

    await product.stop()
    await server.stop()
    product = undefined

    let big: { errors: number; p95: number } | undefined
    if (BIG) big = await bigScenario(tmp, results)

    const check = (ok: boolean) => (ok ? 'PASS' : 'FAIL')
    const rows: string[][] = [
      [`${USERS} пользователей, ${SECONDS} с: ошибок`, `${targets.errors}`, fmt(a.all.errors), check(a.all.errors === 0)],
      [`${USERS} пользователей: p95`, `< ${targets.p95Ms} мс`, ms(a.all.p95Ms), check(a.all.p95Ms < targets.p95Ms)],
      [`${USERS} пользователей: p50`, `< ${targets.p50Ms} мс`, ms(a.all.p50Ms), check(a.all.p50Ms < targets.p50Ms)],
      ['Один пользователь, «Показатели» за год', `< ${targets.singleMs} мс`, ms(single.medianMs), check(single.medianMs < targets.singleMs)],
      [
        `Во время импорта: «Показатели» p95 (${IMPORT_USERS} польз.)`,
        `< ${fmt(targets.importP95Ms)} мс`,
        ms(b.dashboardDuring.p95Ms),
        check(b.dashboardDuring.p95Ms < targets.importP95Ms),
      ],
      [
        'Ход загрузки виден через',
        `< ${fmt(targets.progressMs)} мс`,
        ms(b.progressVisibleMs),
        check(b.progressVisibleMs !== null && b.progressVisibleMs < targets.progressMs),
      ],
      [
        `Память продукта под нагрузкой ${USERS} польз. (сумма RSS)`,
        `< ${fmt(targets.memoryMb)} МБ`,
        `${fmt(a.memory.peakRssMb)} МБ`,
        check(a.memory.peakRssMb < targets.memoryMb),
      ],
      [
        `  то же по PSS (общая память PostgreSQL — один раз)`,
        `< ${fmt(targets.memoryMb)} МБ`,
        `${fmt(a.memory.peakPssMb)} МБ`,
        check(a.memory.peakPssMb < targets.memoryMb),
      ],
    ]
    if (big) rows.push([`Большая база, ${USERS} пользователей: p95`, `< ${fmt(targets.bigP95Ms)} мс`, ms(big.p95), check(big.p95 < targets.bigP95Ms)])
    console.log(`\nЦели (issue #13)${SMOKE ? ' — проверочный прогон, объёмы малы, цели не показательны' : ''}:`)
    console.log(table(['Цель', 'Нужно', 'Получено', 'Итог'], rows))
    results.verdicts = Object.fromEntries(rows.map((r) => [r[0], r[3]]))
    const errors = walk.all.errors + a.all.errors + Object.values(b.errors).reduce((s, n) => s + n, 0) + (big?.errors ?? 0)
    if (errors > 0 || !importOk) {
      failed = true
      console.error(`\nЗамер нагрузки: ${errors > 0 ? `ошибок в ответах — ${errors}` : 'загрузка файла не удалась'}.`)
    }
    // sanity: the benchmark measured something
    if (!(a.all.requests > 0) || !(a.memory.peakRssMb > 0) || !(a.memory.postgresProcesses > 0)) {
      failed = true
      console.error('\nЗамер нагрузки ничего не измерил (нет запросов или процессов PostgreSQL).')
    }
    fs.writeFileSync(path.join(out.dir, 'load.json'), JSON.stringify(results, null, 2))
    console.log(SMOKE ? '\nПроверочный прогон (--smoke): итоги не сохраняются.' : `\nИтоги: ${path.join(out.dir, 'load.json')}`)
  } catch (error) {
    failed = true
    console.error(`\nЗамер нагрузки не удался: ${(error as Error).message}`)
    if (product) console.error(`Журнал сервера (конец):\n${product.log().slice(-3000)}`)
  } finally {
    forget()
    await cleanup()
    out.remove()
  }
  process.exit(failed ? 1 : 0)
}

function gitCommit(): string | null {
  const r = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' })
  return r.status === 0 ? r.stdout.trim() : null
}

await main()
