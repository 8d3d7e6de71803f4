#!/usr/bin/env node
// The keeper of the embedded PostgreSQL server (ADR 013). Started detached by `db/embedded.server.ts`
// with one JSON argument; it starts `postgres` as its child, prints «READY» on stdout once the server
// answers, and stops it with a fast shutdown when
//   - its parent (the product's process that started it) has gone — its stdin pipe closes, even after a
//     SIGKILL — and no other process of the product is connected any more (a CLI started the server and
//     the web server now uses it: the server stays up until the last of them leaves), or
//   - it receives SIGINT/SIGTERM itself.
// Plain JavaScript so that it runs without tsx; it imports only `pg`.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import pg from 'pg'

const config = JSON.parse(process.argv[2] ?? '{}')
const { postgres, dataDir, socketDir, logFile, user, password, uid, gid, settings } = config
const APP = 'service-quality'

const log = fs.openSync(logFile, 'a')
const args = ['-D', dataDir, '-k', socketDir, '-c', 'listen_addresses=', '-p', '5432']
for (const [name, value] of Object.entries(settings ?? {})) args.push('-c', `${name}=${value}`)
const child = spawn(postgres, args, {
  stdio: ['ignore', log, log],
  ...(uid !== undefined ? { uid, gid } : {}),
  env: { ...process.env, LC_MESSAGES: 'C' },
})

let parentGone = false
let stopping = false
let ready = false

function say(line) {
  try {
    process.stdout.write(`${line}\n`)
  } catch {
    // the parent stopped listening
  }
}

child.on('exit', (code, signal) => {
  if (!ready) say(`FAILED ${code ?? signal}`)
  process.exit(stopping ? 0 : 1)
})

function stop() {
  if (stopping) return
  stopping = true
  child.kill('SIGINT') // fast shutdown: open transactions are rolled back, the data is consistent
  setTimeout(() => child.kill('SIGQUIT'), 20_000).unref()
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, stop)

const connection = { host: socketDir, port: 5432, user, password, database: 'postgres', application_name: 'service-quality keeper' }

async function query(text) {
  const client = new pg.Client(connection)
  client.on('error', () => {})
  await client.connect()
  try {
    return (await client.query(text)).rows
  } finally {
    await client.end().catch(() => {})
  }
}

// ready once a query goes through
for (const started = Date.now(); !ready && !stopping;) {
  try {
    await query('select 1')
    ready = true
    say('READY')
  } catch {
    if (Date.now() - started > 60_000) {
      say('FAILED timeout')
      stop()
      break
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

process.stdin.on('data', () => {})
process.stdin.on('close', () => (parentGone = true))
process.stdin.on('end', () => (parentGone = true))
process.stdin.on('error', () => (parentGone = true))

// while the parent lives, nothing to do; once it is gone, wait for the product's last connection to close
let idleChecks = 0
for (;;) {
  await new Promise((resolve) => setTimeout(resolve, 500))
  if (stopping) continue
  if (!parentGone) continue
  try {
    const rows = await query(`select count(*)::int as n from pg_stat_activity where application_name like '${APP}%' and application_name <> '${APP} keeper'`)
    idleChecks = rows[0].n === 0 ? idleChecks + 1 : 0
  } catch {
    idleChecks++
  }
  if (idleChecks >= 2) stop()
}
