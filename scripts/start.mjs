#!/usr/bin/env node
// `npm start`: builds the app when the build is missing or older than the sources, then serves it with
// server.mjs (Express + Remix, security headers).
// The server migrates the database at start and, on a new embedded database, creates the demo data.
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
process.chdir(root)
const bin = (name) => path.join(root, 'node_modules', '.bin', name)

function newestMtime(dir) {
  let newest = 0
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full))
    else newest = Math.max(newest, fs.statSync(full).mtimeMs)
  }
  return newest
}

const built = fs.existsSync('build/index.js') ? fs.statSync('build/index.js').mtimeMs : 0
const sources = Math.max(...['app', 'db', 'reports'].map(newestMtime), fs.statSync('remix.config.js').mtimeMs)
if (built < sources) {
  console.log('Сборка приложения…')
  const result = spawnSync(bin('remix'), ['build'], { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, NODE_ENV: 'production' } })
  if (result.status !== 0) process.exit(result.status ?? 1)
}
const port = process.env.PORT ?? '3000'
console.log(`Качество обслуживания: http://localhost:${port}`)
const server = spawn(process.execPath, ['server.mjs'], { stdio: 'inherit', env: { NODE_ENV: 'production', ...process.env, PORT: port } })
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal))
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
