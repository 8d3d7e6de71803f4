import fs from 'node:fs'
import path from 'node:path'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import type { DB } from './schema.ts'

export type Db = Kysely<DB>

export interface Database {
  db: Db
  pool: pg.Pool
  mode: 'postgres' | 'pglite'
  close(): Promise<void>
}

/** Thrown when another process already owns the embedded database folder. */
export class DatabaseBusyError extends Error {
  constructor(
    readonly ownerPid: number,
    readonly dir: string,
  ) {
    super(
      `База данных в папке «${dir}» уже открыта другим процессом (PID ${ownerPid}). ` +
        'Встроенная база допускает только один процесс: остановите сервер (или другую команду) ' +
        'и повторите, либо укажите DATABASE_URL для работы с PostgreSQL. Ничего не записано.',
    )
    this.name = 'DatabaseBusyError'
  }
}

/**
 * Opens the database: a real PostgreSQL when `DATABASE_URL` is set, otherwise embedded PGlite
 * in `PGLITE_DIR` (default `data/pglite`; `memory://` for tests) behind its node-postgres adapter,
 * so one Kysely dialect serves both.
 */
export async function openDatabase(env: Record<string, string | undefined> = process.env): Promise<Database> {
  if (env.DATABASE_URL) {
    const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: 10 })
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) })
    return { db, pool, mode: 'postgres', close: () => db.destroy() }
  }
  const dir = env.PGLITE_DIR ?? 'data/pglite'
  const inMemory = dir.startsWith('memory://')
  if (!inMemory) fs.mkdirSync(dir, { recursive: true })
  const releaseLock = inMemory ? () => {} : acquireOwnerLock(dir)
  try {
    const { PGlite } = await import('@electric-sql/pglite')
    const { createPgConfig } = await import('@electric-sql/pglite/node-postgres')
    const loadDataDir = env.PGLITE_LOAD_DUMP ? new Blob([fs.readFileSync(env.PGLITE_LOAD_DUMP)]) : undefined
    const pglite = await PGlite.create({ dataDir: dir, loadDataDir })
    const pool = new pg.Pool(createPgConfig(pglite) as pg.PoolConfig)
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) })
    return {
      db,
      pool,
      mode: 'pglite',
      close: async () => {
        await db.destroy()
        await pglite.close()
        releaseLock()
      },
    }
  } catch (error) {
    releaseLock()
    throw error
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** `<dir>.lock` holds the owner's PID; a lock left by a dead process is taken over. */
function acquireOwnerLock(dir: string): () => void {
  const lockPath = `${path.resolve(dir)}.lock`
  for (let attempt = 0; attempt < 2; attempt++) {
    const text = fs.existsSync(lockPath) ? fs.readFileSync(lockPath, 'utf8').trim() : ''
    const owner = text === '' ? undefined : Number(text)
    if (owner !== undefined && owner !== process.pid && Number.isFinite(owner) && isAlive(owner)) {
      throw new DatabaseBusyError(owner, dir)
    }
    if (owner !== undefined || text !== '') fs.rmSync(lockPath, { force: true })
    try {
      fs.writeFileSync(lockPath, String(process.pid), { flag: 'wx' })
      let released = false
      const release = () => {
        if (released) return
        released = true
        try {
          if (fs.readFileSync(lockPath, 'utf8').trim() === String(process.pid)) fs.rmSync(lockPath)
        } catch {
          // already gone
        }
      }
      process.once('exit', release)
      return release
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      // another process won the race: look at its PID once more
    }
  }
  const owner = Number(fs.readFileSync(lockPath, 'utf8').trim())
  throw new DatabaseBusyError(owner, dir)
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
