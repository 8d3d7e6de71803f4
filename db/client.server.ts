import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { type EmbeddedServer, ensureEmbeddedServer } from './embedded.server.ts'
import type { DB } from './schema.ts'

export type Db = Kysely<DB>

export interface Database {
  db: Db
  pool: pg.Pool
  /** `embedded`: the PostgreSQL server the product runs itself in `DATA_DIR`; `external`: `DATABASE_URL`. */
  mode: 'embedded' | 'external'
  /** Where the embedded server keeps its data (embedded mode only). */
  dataDir?: string
  close(): Promise<void>
}

/** Every connection of the product says who it is: the embedded server's keeper counts them before it stops. */
export const APPLICATION_NAME = 'service-quality'

const POOL_SIZE = 10

/**
 * A pool that survives the database: a connection the server ends while idle (a restart, a failover,
 * `idle_session_timeout`, `pg_terminate_backend`, a proxy) is reported and dropped, never thrown at the
 * process — node-postgres emits such errors on the pool, and an `'error'` event without a listener ends
 * the process. The next query opens a fresh connection; only the queries in flight fail (ADR 013).
 */
export function createPool(config: pg.PoolConfig): pg.Pool {
  const pool = new pg.Pool({ max: POOL_SIZE, application_name: APPLICATION_NAME, connectionTimeoutMillis: 10_000, ...config })
  let lastReport = 0
  const report = (error: Error) => {
    // one line per 10 s at most: a restart ends every idle connection at once
    if (Date.now() - lastReport > 10_000) {
      lastReport = Date.now()
      console.error(`База данных закрыла соединение (${(error as { code?: string }).code ?? error.message}); следующий запрос откроет новое.`)
    }
  }
  pool.on('error', report)
  // the pool listens only to its idle connections: one ended while borrowed between two statements (kysely holds
  // it for a transaction) emits 'error' on the connection itself; the borrower's next statement fails, and the
  // pool drops the connection when it comes back
  pool.on('connect', (client) => client.on('error', report))
  return pool
}

/**
 * One connection that lives as long as the process, so that the embedded server's keeper sees the process
 * as a user of the server even while the pool has no open connection; it comes back by itself after a
 * database restart (and, when nobody runs the embedded server any more, starts it again).
 */
function keepPresence(connect: () => Promise<pg.ClientConfig>): { close(): Promise<void> } {
  let client: pg.Client | undefined
  let closed = false
  let timer: NodeJS.Timeout | undefined
  const open = async () => {
    if (closed) return
    try {
      const next = new pg.Client({ ...(await connect()), application_name: `${APPLICATION_NAME} presence` })
      next.on('error', () => {})
      next.on('end', () => {
        if (client === next) client = undefined
        schedule()
      })
      await next.connect()
      if (closed) await next.end()
      else client = next
    } catch {
      schedule()
    }
  }
  const schedule = () => {
    if (closed || timer) return
    timer = setTimeout(() => {
      timer = undefined
      void open()
    }, 1000)
    timer.unref()
  }
  void open()
  return {
    async close() {
      closed = true
      if (timer) clearTimeout(timer)
      await client?.end().catch(() => {})
    },
  }
}

export interface OpenOptions {
  /** Server settings for an embedded server this call starts (tests turn fsync off). */
  settings?: Record<string, string | number>
  log?: (line: string) => void
}

/**
 * Opens the database: the external PostgreSQL of `DATABASE_URL`, or else the embedded PostgreSQL server of
 * `DATA_DIR` (default `data`), started when no process runs it (ADR 013).
 */
export async function openDatabase(env: Record<string, string | undefined> = process.env, options: OpenOptions = {}): Promise<Database> {
  if (env.DATABASE_URL) {
    const pool = createPool({ connectionString: env.DATABASE_URL })
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) })
    return { db, pool, mode: 'external', close: () => db.destroy() }
  }
  const dir = env.DATA_DIR || 'data'
  const start = () => ensureEmbeddedServer({ dir, settings: options.settings, log: options.log })
  let server: EmbeddedServer = await start()
  let restarting: Promise<EmbeddedServer> | undefined
  // the pool asks for the server's address at every new connection: when the embedded server is gone
  // (stopped by hand, crashed), the next connection starts it again
  const pool = createPool({
    ...server.connection,
    password: () => server.connection.password,
  })
  const originalConnect = pool.connect.bind(pool)
  const reviving = async () => {
    restarting ??= start().finally(() => (restarting = undefined))
    server = await restarting
  }
  const connect = async (): Promise<pg.PoolClient> => {
    try {
      return await originalConnect()
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code !== 'ENOENT' && code !== 'ECONNREFUSED' && code !== '57P03') throw error
      await reviving()
      return originalConnect()
    }
  }
  // both forms: Kysely awaits connect(), pool.query() passes a callback
  ;(pool as unknown as { connect: unknown }).connect = (
    callback?: (error: Error | undefined, client?: pg.PoolClient, done?: (release?: unknown) => void) => void,
  ) => {
    if (!callback) return connect()
    connect().then(
      (client) => callback(undefined, client, (release?: unknown) => client.release(release as Error | boolean | undefined)),
      (error: Error) => callback(error),
    )
    return undefined
  }
  const presence = keepPresence(async () => {
    try {
      await reviving()
    } catch {
      // reported by the next request
    }
    return server.connection
  })
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) })
  return {
    db,
    pool,
    mode: 'embedded',
    dataDir: server.dataDir,
    close: async () => {
      await presence.close()
      await db.destroy()
    },
  }
}

const cache = globalThis as unknown as { __sqDatabase?: Promise<Database> }

/** One database per process (it survives dev rebuilds); a failed open is forgotten, not cached. */
export function getDatabase(): Promise<Database> {
  if (!cache.__sqDatabase) {
    cache.__sqDatabase = openDatabase().catch((error) => {
      cache.__sqDatabase = undefined
      throw error
    })
  }
  return cache.__sqDatabase
}
