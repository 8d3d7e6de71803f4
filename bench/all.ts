/**
 * `npm run bench [-- --smoke] [--only run,dashboard] [options of the benchmarks]`
 * Runs every benchmark (bench/options.ts) one after another, each in its own process, and gives each the
 * options it declares (`--runs 3` reaches the dashboard, Appendix 7 and surveys; `--rows` only the import).
 * An option no benchmark knows is an error. Without BENCH_DATABASE_URL one throwaway embedded PostgreSQL is
 * started for all of them (the load benchmark starts the product with its own). Exit code 1 if any failed.
 * `npm test` runs `npm run bench -- --smoke`.
 */
import { spawn } from 'node:child_process'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { benchServer, onInterrupt, root } from './common.ts'
import { BENCHMARKS, type BenchName } from './options.ts'

type Option = { type: 'string' } | { type: 'boolean' }
const known: Record<string, Option> = { only: { type: 'string' } }
for (const bench of Object.values(BENCHMARKS)) {
  for (const [name, spec] of Object.entries(bench.options)) known[name] = { type: spec.type }
}
let given: Record<string, string | boolean | undefined>
try {
  // no defaults here: only what was given is forwarded
  given = parseArgs({ options: known, strict: true, allowPositionals: false }).values as typeof given
} catch (error) {
  console.error(`npm run bench: ${(error as Error).message}`)
  console.error(
    `Параметры: ${Object.keys(known)
      .map((k) => `--${k}`)
      .join(' ')}`,
  )
  process.exit(2)
}
const names = Object.keys(BENCHMARKS) as BenchName[]
const only = given.only
  ? String(given.only)
      .split(',')
      .map((s) => s.trim())
  : names
for (const name of only) {
  if (!names.includes(name as BenchName)) {
    console.error(`npm run bench: нет замера «${name}»; есть: ${names.join(', ')}`)
    process.exit(2)
  }
}

function argsFor(name: BenchName): string[] {
  const args: string[] = []
  for (const [key, spec] of Object.entries(BENCHMARKS[name].options)) {
    const value = given[key]
    if (value === undefined) continue
    if (spec.type === 'boolean') {
      if (value) args.push(`--${key}`)
    } else args.push(`--${key}`, String(value))
  }
  return args
}

function runOne(name: BenchName, env: NodeJS.ProcessEnv): Promise<number> {
  const args = [BENCHMARKS[name].file, ...argsFor(name)]
  console.log(`\n▶ ${BENCHMARKS[name].title}: tsx ${args.join(' ')}`)
  const child = spawn(path.join(root, 'node_modules/.bin/tsx'), args, { cwd: root, stdio: 'inherit', env })
  const forget = onInterrupt(() => {
    child.kill('SIGINT')
    return new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())))
  })
  return new Promise((resolve) => {
    child.on('error', (error) => {
      console.error(error.message)
      resolve(1)
    })
    child.on('exit', (code, signal) => {
      forget()
      resolve(code ?? (signal ? 1 : 0))
    })
  })
}

const shared = only.some((n) => n !== 'load') ? await benchServer() : undefined
const results: { name: BenchName; code: number; seconds: number }[] = []
try {
  for (const name of only as BenchName[]) {
    const started = performance.now()
    // the load benchmark starts the product on its own embedded server, unless --big on an external one
    const env = { ...process.env, ...(shared && name !== 'load' ? { BENCH_DATABASE_URL: shared.url } : {}) }
    const code = await runOne(name, env)
    results.push({ name, code, seconds: (performance.now() - started) / 1000 })
  }
} finally {
  await shared?.stop()
}
console.log('\nЗамеры:')
for (const r of results)
  console.log(
    `  ${r.code === 0 ? '✓' : '✖'} ${BENCHMARKS[r.name].title} (${r.name}): ${r.code === 0 ? 'выполнен' : `ошибка, код ${r.code}`}, ${r.seconds.toFixed(1)} с`,
  )
process.exit(results.every((r) => r.code === 0) ? 0 : 1)
