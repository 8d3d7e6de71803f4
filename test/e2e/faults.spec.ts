import { type ChildProcess, spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { ensureEmbeddedServer, stopEmbeddedServer } from '#db/embedded.server.ts'
import { freePort } from '#test/setup/net.ts'

/**
 * The product on an external PostgreSQL that fails under it (ADR 013): a database that ends every
 * connection, then goes away and comes back. The server must stay up, answer /healthcheck 503 with a
 * Russian reason while the database is unreachable and 200 after, without a restart.
 */
const root = path.resolve(import.meta.dirname, '../..')

async function until(what: string, check: () => Promise<boolean>, ms = 20_000) {
  const deadline = Date.now() + ms
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

describe('database faults', () => {
  let dir = ''
  let server: ChildProcess | undefined
  let log = ''
  afterAll(async () => {
    server?.kill('SIGTERM')
    await stopEmbeddedServer(dir)
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('the server survives terminated connections and a database restart; /healthcheck says 503 while the database is down, 200 after', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sq-e2e-faults-'))
    const db = await ensureEmbeddedServer({ dir, settings: { fsync: 'off' } })
    const port = await freePort()
    const baseUrl = `http://127.0.0.1:${port}`
    server = spawn(process.execPath, ['server.mjs'], {
      cwd: root,
      env: { ...process.env, NODE_ENV: 'production', PORT: String(port), DATABASE_URL: db.url, QUIET_REQUESTS: '1', DEMO_DATA: '0' },
    })
    server.stdout?.on('data', (d) => (log += d))
    server.stderr?.on('data', (d) => (log += d))
    const health = () => fetch(`${baseUrl}/healthcheck`)
    await until('the server starts', async () => (await health()).ok, 60_000)

    // 1. every connection of the product ended by the database, during requests
    const load = Promise.all(Array.from({ length: 30 }, () => health().then((r) => r.status)))
    const admin = new pg.Client({ connectionString: db.url })
    await admin.connect()
    await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'service-quality' and pid <> pg_backend_pid()`)
    await admin.end()
    await load
    await until('answers again after terminated connections', async () => (await health()).status === 200)
    expect(server.exitCode).toBeNull()

    // 2. the database goes away: 503 with a reason, the server stays up
    await stopEmbeddedServer(dir)
    const down = await health()
    expect(down.status).toBe(503)
    expect(await down.text()).toMatch(/^Нет связи с базой данных: /)
    expect(server.exitCode).toBeNull()

    // 3. it comes back: 200 again, no restart of the product
    await ensureEmbeddedServer({ dir, settings: { fsync: 'off' } })
    await until('answers after the database is back', async () => (await health()).status === 200)
    expect((await fetch(`${baseUrl}/login`)).status).toBe(200)
    expect(server.exitCode).toBeNull()
    expect(log).not.toMatch(/Unhandled|uncaught/i)
  })
})
