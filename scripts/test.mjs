#!/usr/bin/env node
// `npm test`: typecheck, then every vitest project (unit; PGlite; PostgreSQL when TEST_DATABASE_URL is
// set; the browser when Chromium is found), then the unit tests again in another process zone, since
// nothing may depend on the zone the server runs in.
import { spawnSync } from 'node:child_process'
import path from 'node:path'

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
const bin = (name) => path.join(root, 'node_modules', '.bin', name)
const run = (title, command, args, env = {}) => {
  console.log(`\n▶ ${title}`)
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } })
  if (result.status !== 0) {
    console.error(`✖ ${title}: код ${result.status ?? result.signal}`)
    process.exit(result.status ?? 1)
  }
}

run('Проверка типов (tsc)', bin('tsc'), ['-p', '.'])
run('Тесты (vitest)', bin('vitest'), ['run', ...process.argv.slice(2)])
run('Модульные тесты в другом часовом поясе процесса (TZ=Asia/Yekaterinburg)', bin('vitest'), ['run', '--project', 'unit'], { TZ: 'Asia/Yekaterinburg' })
