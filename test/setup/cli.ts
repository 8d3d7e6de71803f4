import { spawn } from 'node:child_process'
import path from 'node:path'

/** The repository's root: where `npm run cli` runs. */
export const ROOT = path.resolve(import.meta.dirname, '../..')

export interface CliResult {
  code: number
  out: string
  err: string
}

/**
 * Runs `npm run cli -- <args>` as a person would (tsx app/cli.ts), with only the given environment beside
 * PATH and HOME (no DATABASE_URL of the caller leaks in): its exit code, standard output and errors.
 */
export function runCli(args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), ['app/cli.ts', ...args], {
      cwd: ROOT,
      env: { NODE_ENV: 'test', PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (err += d))
    child.on('close', (code) => resolve({ code: code ?? -1, out, err }))
  })
}
