/**
 * The command-line options of every benchmark, in one place: each benchmark reads its own with
 * `parseArgs`, and `bench/all.ts` (`npm run bench`) forwards to each one the options it declares.
 * `--smoke`: tiny volumes, a few seconds — `npm test` runs every benchmark so, so that a schema change
 * that breaks one fails CI; it checks that the benchmark runs and measures something, never its speed.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util'

type Spec = Record<string, { type: 'string'; default: string } | { type: 'boolean'; default: boolean }>

const smoke = { smoke: { type: 'boolean', default: false } } as const

export const BENCHMARKS = {
  run: {
    file: 'bench/run.ts',
    title: 'Импорт и сроки',
    options: { ...smoke, rows: { type: 'string', default: '1000000' }, 'embedded-rows': { type: 'string', default: '200000' } },
  },
  dashboard: {
    file: 'bench/dashboard.ts',
    title: 'Показатели',
    options: {
      ...smoke,
      calls: { type: 'string', default: '10000000' },
      appeals: { type: 'string', default: '1000000' },
      visits: { type: 'string', default: '1000000' },
      runs: { type: 'string', default: '15' },
      'measure-only': { type: 'boolean', default: false },
    },
  },
  appendix7: {
    file: 'bench/appendix7.ts',
    title: 'Приложение 7',
    options: {
      ...smoke,
      appeals: { type: 'string', default: '1000000' },
      runs: { type: 'string', default: '5' },
      'measure-only': { type: 'boolean', default: false },
      formats: { type: 'string', default: 'xlsx,ods,pdf' },
    },
  },
  surveys: {
    file: 'bench/surveys.ts',
    title: 'Опросы',
    options: {
      ...smoke,
      responses: { type: 'string', default: '500000' },
      runs: { type: 'string', default: '5' },
      submissions: { type: 'string', default: '2000' },
    },
  },
  load: {
    file: 'bench/load.ts',
    title: 'Много пользователей',
    options: {
      ...smoke,
      users: { type: 'string', default: '50' },
      seconds: { type: 'string', default: '60' },
      'import-rows': { type: 'string', default: '100000' },
      big: { type: 'boolean', default: false },
      'only-big': { type: 'boolean', default: false },
      'keep-data': { type: 'boolean', default: false },
      calls: { type: 'string', default: '10000000' },
      appeals: { type: 'string', default: '1000000' },
      visits: { type: 'string', default: '1000000' },
    },
  },
} as const satisfies Record<string, { file: string; title: string; options: Spec }>

export type BenchName = keyof typeof BENCHMARKS

/** This benchmark's options from `process.argv` (an unknown option is an error), e.g. `benchArgs(BENCHMARKS.load.options)`. */
export function benchArgs<T extends NonNullable<ParseArgsConfig['options']>>(options: T) {
  return parseArgs({ options, allowPositionals: false, strict: true }).values
}

/** Volumes: the given value, or the smoke value in smoke mode when the option was not given. */
export function volume(values: Record<string, unknown>, key: string, smokeValue: number): number {
  const given = process.argv.some((a) => a === `--${key}` || a.startsWith(`--${key}=`))
  const n = values.smoke && !given ? smokeValue : Number(values[key])
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${key}: ожидается неотрицательное число, получено «${String(values[key])}»`)
  return n
}
