/** What the benchmarks share: where PostgreSQL is, and the median. */
import { execFileSync } from 'node:child_process'
import path from 'node:path'

export const root = path.resolve(import.meta.dirname, '..')

/** BENCH_DATABASE_URL (or DATABASE_URL); without one, a throwaway cluster via .ci/start-postgres. */
export function serverUrl(): string {
  const given = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL
  if (given) return given
  const printed = execFileSync('bash', [path.join(root, '.ci/start-postgres')], { env: { ...process.env, PGROOT: '/tmp/sq-bench-pg', PGPORT: '55434' }, encoding: 'utf8' })
  return /DATABASE_URL=(\S+)/.exec(printed)![1]!
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
