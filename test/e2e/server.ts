import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { TestProject } from 'vitest/node'
import { ensureEmbeddedServer, stopEmbeddedServer } from '#db/embedded.server.ts'
import { freePort } from '#test/setup/net.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string
    /** an integration token of the import API (calls and visits), issued by the CLI */
    apiToken: string
    /** a token for appeals, to post through a mapping saved in the browser (mappings.spec.ts) */
    appealsToken: string
    /** The run's embedded PostgreSQL, for tests that change data behind the product's back */
    databaseUrl: string
  }
}

const root = path.resolve(import.meta.dirname, '../..')

/** One user per role (password `e2e-password-1`) and one for a single branch; see the specs. */
export const E2E_USERS = [
  { login: 'admin', roles: 'admin', branches: 'all' },
  { login: 'manager', roles: 'management', branches: 'all' },
  { login: 'quality', roles: 'quality', branches: 'all' },
  { login: 'reporting', roles: 'reporting', branches: 'all' },
  { login: 'operator', roles: 'operator', branches: 'all' },
  { login: 'branchboss', roles: 'management', branches: 'Северные ЭС' },
  { login: 'throttled', roles: 'reporting', branches: 'all' },
] as const
export const E2E_PASSWORD = 'e2e-password-1'

/**
 * Builds once, prepares a fresh embedded database through the CLI (offices, users, one import), then
 * starts server.mjs itself (one PID owns the server and the database).
 */
export default async function setup(project: TestProject) {
  const build = spawnSync(path.join(root, 'node_modules/.bin/remix'), ['build'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NODE_ENV: 'production' },
  })
  if (build.status !== 0) throw new Error(`remix build failed:\n${build.stderr}`)
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sq-e2e-'))
  const env = { ...process.env, DATA_DIR: dataDir, DEMO_DATA: '0', DATABASE_URL: '' }
  // the embedded server of the run, started here: the CLI commands below and the product use it (each
  // would otherwise start and stop its own), and the teardown stops it
  const embedded = await ensureEmbeddedServer({ dir: dataDir, settings: { fsync: 'off', synchronous_commit: 'off' } })
  const cli = (...args: string[]) => {
    const result = spawnSync(path.join(root, 'node_modules/.bin/tsx'), ['app/cli.ts', ...args], {
      cwd: root,
      encoding: 'utf8',
      env: { ...env, SQ_PASSWORD: E2E_PASSWORD },
    })
    if (result.status !== 0) throw new Error(`cli ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`)
    return result.stdout
  }
  cli('import', 'offices', path.join(root, 'test/files/offices.csv'), '--create-branches')
  cli('import', 'appeals', path.join(root, 'test/files/appeals.csv'))
  for (const u of E2E_USERS) cli('user', 'add', '--login', u.login, '--name', `Пользователь ${u.login}`, '--roles', u.roles, '--branches', u.branches)
  const apiToken = cli('token', 'add', '--name', 'АТС e2e', '--kinds', 'calls,visits').trim().split('\n').pop()!
  const appealsToken = cli('token', 'add', '--name', 'СЭД e2e', '--kinds', 'appeals').trim().split('\n').pop()!
  const port = await freePort()
  let log = ''
  const server: ChildProcess = spawn(process.execPath, ['server.mjs'], {
    cwd: root,
    env: { ...env, NODE_ENV: 'production', PORT: String(port), QUIET_REQUESTS: '1' },
  })
  server.stdout?.on('data', (d) => (log += d))
  server.stderr?.on('data', (d) => (log += d))
  const baseUrl = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 60_000
  for (;;) {
    try {
      if ((await fetch(`${baseUrl}/healthcheck`)).ok) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || server.exitCode !== null) throw new Error(`the server did not start:\n${log}`)
    await new Promise((r) => setTimeout(r, 250))
  }
  project.provide('baseUrl', baseUrl)
  project.provide('apiToken', apiToken)
  project.provide('appealsToken', appealsToken)
  project.provide('databaseUrl', embedded.url)
  return async () => {
    server.kill('SIGTERM')
    await new Promise((r) => (server.exitCode !== null ? r(null) : server.once('exit', r)))
    await stopEmbeddedServer(dataDir)
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}
