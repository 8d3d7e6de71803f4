#!/usr/bin/env node
// `npm test`: typecheck, lint (the layers and import rules, counted as one check), then every vitest project (unit; embedded PostgreSQL; PostgreSQL when
// TEST_DATABASE_URL is
// set; the browser when Chromium is found), then the unit tests again in another process zone, since
// nothing may depend on the zone the server runs in, then every benchmark in smoke mode.
// Ends with one plain line: `tests: N passed, N failed, N skipped`.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
const bin = (name) => path.join(root, 'node_modules', '.bin', name)
const resultsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sq-test-'))
const totals = { passed: 0, failed: 0, skipped: 0 }

function run(title, command, args, env = {}, results) {
  console.log(`\n▶ ${title}`)
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } })
  // a step without a results file of its own (lint) counts as one check
  if (results === 'check') {
    if (result.status === 0) totals.passed += 1
    else totals.failed += 1
  } else if (results && fs.existsSync(results)) {
    const json = JSON.parse(fs.readFileSync(results, 'utf8'))
    totals.passed += json.numPassedTests
    totals.failed += json.numFailedTests
    totals.skipped += json.numPendingTests + json.numTodoTests
  }
  if (result.status !== 0) {
    console.error(`✖ ${title}: код ${result.status ?? result.signal}`)
    if (results) console.log(`\ntests: ${totals.passed} passed, ${Math.max(totals.failed, 1)} failed, ${totals.skipped} skipped`)
    process.exit(result.status ?? 1)
  }
}

const vitest = (name) => {
  const file = path.join(resultsDir, `${name}.json`)
  return [file, ['--reporter=default', '--reporter=json', `--outputFile.json=${file}`]]
}

run('Проверка типов (tsc)', bin('tsc'), ['-p', '.'])
run('Линтер: слои и импорты (npm run lint; длина строк — предупреждения, здесь не выводятся)', 'npm', ['run', '--silent', 'lint', '--', '--quiet'], {}, 'check')
const [all, allArgs] = vitest('all')
run('Тесты (vitest)', bin('vitest'), ['run', ...allArgs, ...process.argv.slice(2)], {}, all)
const [tz, tzArgs] = vitest('tz')
run(
  'Модульные тесты в другом часовом поясе процесса (TZ=Asia/Yekaterinburg)',
  bin('vitest'),
  ['run', '--project', 'unit', ...tzArgs],
  { TZ: 'Asia/Yekaterinburg' },
  tz,
)
// every benchmark in smoke mode (tiny volumes, only Node needed): a change that breaks a benchmark fails
// here; it checks that each runs and measures something, never its speed. Left out when vitest got a filter.
if (process.argv.length > 2) console.log('\n▶ Замеры в проверочном режиме: пропущены (заданы аргументы для vitest)')
else run('Замеры в проверочном режиме (npm run bench -- --smoke)', bin('tsx'), ['bench/all.ts', '--smoke'], {}, path.join(resultsDir, 'bench.json'))
fs.rmSync(resultsDir, { recursive: true, force: true })
console.log(`\ntests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`)
