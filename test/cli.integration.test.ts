import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { sample, tmpFile } from '#test/setup/files.ts'
import { openTestDatabase } from '#test/setup/database.ts'
import { ROOT, runCli } from '#test/setup/cli.ts'
import { hasPoppler, pdfText } from '#test/setup/pdf.ts'

const root = ROOT

const cli = runCli

/** The CLI's database: a fresh database on the project's server. */
let env: Record<string, string>
beforeAll(async () => {
  const test = await openTestDatabase()
  env = { DATABASE_URL: test.url }
  await test.database.close()
})

// each command starts tsx (≈ 2 s of CPU): on a busy 2-core machine a test of several commands needs minutes
describe('npm run cli', { timeout: 240_000 }, () => {
  it('imports a file, prints the report and exits 0; the same file again changes nothing', async () => {
    const first = await cli(['import', 'calls', sample('calls.csv')], env)
    expect(first.err).toBe('')
    expect(first.code).toBe(0)
    expect(first.out).toMatch(/Статус: загружен/)
    expect(first.out).toMatch(/Прочитано строк: 4 = сохранено 4 \+ отклонено 0/)
    const again = await cli(['import', 'calls', sample('calls.csv')], env)
    expect(again.out).toMatch(/новых 0, обновлено 0, без изменений 4/)
  })

  it('token add prints the secret as its last line; token list shows it without the secret; token revoke ends it (ADR 017)', async () => {
    const added = await cli(['token', 'add', '--name', 'АТС', '--kinds', 'calls,visits'], env)
    expect(added.err).toBe('')
    expect(added.code).toBe(0)
    const secret = added.out.trim().split('\n').pop()!
    expect(secret).toMatch(/^sq_[A-Za-z0-9_-]{43}$/)
    const id = /Токен №(\d+) «АТС» создан: calls, visits; вся организация\./.exec(added.out)?.[1]
    expect(id).toBeTruthy()
    const listed = await cli(['token', 'list'], env)
    expect(listed.out).toContain(`№${id}\tАТС\t${secret.slice(0, 8)}…\tcalls,visits\tвся организация\tдо: бессрочно\tдействует`)
    expect(listed.out).not.toContain(secret)
    expect((await cli(['token', 'add', '--name', 'x', '--kinds', 'звонки2'], env)).err).toMatch(/Неизвестный вид данных «звонки2»/)
    const revoked = await cli(['token', 'revoke', id!], env)
    expect(revoked.out).toContain(`Токен №${id} «АТС» отозван.`)
    expect((await cli(['token', 'list'], env)).out).toMatch(/\tотозван/)
  })

  it('inbox run imports the complete files of the folder once and moves them with their reports', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sq-cli-inbox-'))
    fs.mkdirSync(path.join(dir, 'visits'))
    fs.copyFileSync(sample('visits.csv'), path.join(dir, 'visits', 'visits.csv'))
    fs.writeFileSync(path.join(dir, 'visits', 'half.csv.part'), 'ticket_id')
    const run = await cli(['inbox', 'run', '--dir', dir, '--settle', '1'], env)
    expect(run.err).toBe('')
    expect(run.code).toBe(0)
    expect(run.out).toContain('Папка загрузки: visits/visits.csv → visits/done/visits.csv (done)')
    expect(fs.readdirSync(path.join(dir, 'visits', 'done')).sort()).toEqual(['visits.csv', 'visits.csv.report.json', 'visits.csv.report.txt'])
    expect(fs.existsSync(path.join(dir, 'visits', 'half.csv.part'))).toBe(true)
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('exits 1 on a refused file and prints each bad line', async () => {
    const bad = tmpFile('bad.csv', 'call_id;direction;started_at;ended_at\n1;наружу;14.03.2025 10:00;14.03.2025 10:01\n')
    const result = await cli(['import', 'calls', bad], env)
    expect(result.code).toBe(1)
    expect(result.out).toMatch(/Статус: отклонён/)
    expect(result.out).toMatch(/строка 2, столбец направление: неизвестное значение направления звонка «наружу»/)
  })

  it('stores the valid rows with --skip-invalid', async () => {
    const mixed = tmpFile(
      'mixed.csv',
      'call_id;direction;started_at;ended_at\nS-1;in;14.03.2025 10:00;14.03.2025 10:01\nS-2;in;14.03.2025 10:00;14.03.2025 09:01\n',
    )
    const result = await cli(['import', 'calls', mixed, '--skip-invalid'], env)
    expect(result.code).toBe(0)
    expect(result.out).toMatch(/Прочитано строк: 2 = сохранено 1 \+ отклонено 1/)
  })

  it('shows and changes the organisation settings, refusing an unknown time zone', async () => {
    const set = await cli(['org', '--name', 'АО «Тест»', '--timezone', 'Asia/Yekaterinburg', '--regime', 'supplier'], env)
    expect(set.code).toBe(0)
    expect(set.out).toMatch(/Организация: АО «Тест»\nЧасовой пояс: Asia\/Yekaterinburg\nРежим: supplier \(гарантирующий поставщик\)/)
    const bad = await cli(['org', '--timezone', 'Mars/Olympus'], env)
    expect(bad.code).toBe(1)
    expect(bad.err).toMatch(/Неизвестный часовой пояс «Mars\/Olympus»/)
  })

  it('explains its usage on a wrong command or kind', async () => {
    const result = await cli(['import', 'letters', 'x.csv'], env)
    expect(result.code).toBe(1)
    expect(result.err).toMatch(/Укажите вид файла: offices, appeals, calls, visits/)
  })

  it('report: writes Appendix 7 and the supplier report, prints the checks; refuses bad arguments', async () => {
    // issue 16: branches the organisation lacks are refused unless --create-branches
    const refused = await cli(['import', 'offices', sample('offices.csv')], env)
    expect(refused.code).not.toBe(0)
    expect(refused.out).toMatch(/строка 2, столбец филиал: филиала «Городские ЭС» нет в справочнике организации/)
    expect(refused.out).toContain('--create-branches')
    const created = await cli(['import', 'offices', sample('offices.csv'), '--create-branches'], env)
    expect(created.code).toBe(0)
    expect(created.out).toMatch(/Создан филиал «Городские ЭС» \(код ГЭС\)/)
    expect((await cli(['import', 'appeals', sample('appeals.csv')], env)).code).toBe(0)
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sq-cli-report-'))
    const out = path.join(dir, 'a7.ods')
    const result = await cli(['report', 'appendix-7', '--year', '2025', '--as-of', '2025-12-31', '--out', out], env)
    expect(result.err).toBe('')
    expect(result.code).toBe(0)
    expect(result.out).toMatch(/за 2025 год → .*a7\.ods/)
    expect(result.out.match(/^(пройдена|НЕ ПРОЙДЕНА|внимание) /gm)).toHaveLength(9)
    expect(fs.readFileSync(out).subarray(30, 38).toString()).toBe('mimetype')
    expect(fs.existsSync(`${out}.part`)).toBe(false)
    const supplier = await cli(['report', 'supplier-standard', '--year', '2025', '--out', path.join(dir, 's.xlsx')], env)
    expect(supplier.code).toBe(0)
    expect(fs.statSync(path.join(dir, 's.xlsx')).size).toBeGreaterThan(1000)
    const bad = await cli(['report', 'appendix-7', '--year', '25', '--out', path.join(dir, 'x.xlsx')], env)
    expect(bad.code).toBe(1)
    expect(bad.err).toMatch(/Укажите год: --year ГГГГ/)
    expect((await cli(['report', 'appendix-7', '--year', '2025', '--out', path.join(dir, 'x.csv')], env)).err).toMatch(/\.xlsx, \.ods или \.pdf/)
    // the PDF that is signed and sent: the form's heading and «N из M» as text
    const pdf = path.join(dir, 'f.pdf')
    expect((await cli(['report', 'appendix-7', '--year', '2025', '--out', pdf], env)).code).toBe(0)
    expect(fs.readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-')
    // its text read back by poppler (required under CI, vitest.config.ts)
    if (hasPoppler) {
      const text = pdfText(pdf)
      expect(text).toContain('Информация о качестве обслуживания потребителей услуг')
      expect(text).toMatch(/Страница 1 из \d+/)
    }
    // through the registry: into a folder under the one name scheme (ADR 026); a view report asks a period
    const named = await cli(['report', 'supplier-standard', '--year', '2025', '--out', `${dir}/`, '--format', 'pdf'], env)
    expect(named.code).toBe(0)
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('Стандарт-качества_2025_'))).toHaveLength(1)
    const appeals = await cli(
      ['report', 'register', '--from', '2025-01-01', '--to', '2025-12-31', '--param', 'domain=appeals', '--out', `${dir}/`, '--format', 'xlsx'],
      env,
    )
    expect(appeals.err).toBe('')
    expect(fs.existsSync(path.join(dir, 'Обращения_2025-01-01_2025-12-31.xlsx'))).toBe(true)
    expect((await cli(['report', 'register', '--year', '2025', '--out', `${dir}/`, '--format', 'xlsx'], env)).err).toMatch(/--from ГГГГ-ММ-ДД --to ГГГГ-ММ-ДД/)
    expect(
      (
        await cli(
          ['report', 'register', '--from', '2025-01-01', '--to', '2025-12-31', '--param', 'domain=nothing', '--out', `${dir}/`, '--format', 'xlsx'],
          env,
        )
      ).err,
    ).toMatch(/Неверный параметр отчёта .*«domain»/)
    // a report about one thing (issue 19 §6): the work list «как сейчас», no period; a missing survey is refused in Russian
    const worklist = await cli(['report', 'worklist', '--param', 'days=5', '--out', `${dir}/`, '--format', 'xlsx'], env)
    expect([worklist.code, worklist.err]).toEqual([0, ''])
    expect(fs.readdirSync(dir).filter((f) => /^Список-дел_\d{4}-\d{2}-\d{2}\.xlsx$/.test(f))).toHaveLength(1)
    const survey = await cli(
      ['report', 'survey-summary', '--from', '2025-01-01', '--to', '2025-12-31', '--param', 'survey=999999', '--out', `${dir}/`, '--format', 'xlsx'],
      env,
    )
    expect([survey.code, survey.err.trim()]).toEqual([1, 'Такого опроса нет.'])
  })
})

/** Starts a process that holds the embedded database of `dataDir` open (test/setup/hold-database.ts). */
async function holder(dataDir: string) {
  const child = spawn(path.join(root, 'node_modules/.bin/tsx'), ['test/setup/hold-database.ts'], {
    cwd: root,
    detached: true,
    env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '' },
  })
  let out = ''
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d
      if (out.includes('OPEN')) resolve()
    })
    child.stderr.on('data', (d) => (out += d))
    child.on('exit', () => reject(new Error(`holder exited: ${out}`)))
  })
  return child
}

const waitGone = async (file: string) => {
  for (let i = 0; i < 150 && fs.existsSync(file); i++) await new Promise((r) => setTimeout(r, 100))
}

describe.runIf(process.env.TEST_DB === 'embedded')('the embedded server: one per folder, stopped when its users have gone', { timeout: 240_000 }, () => {
  it('a CLI command uses the server another process runs; the server stops after that process is killed, and starts again with the data kept', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sq-cli-embedded-'))
    const embeddedEnv = { DATA_DIR: dataDir }
    const owner = await holder(dataDir)
    const pidFile = path.join(dataDir, 'postgres', 'postmaster.pid')
    const postmaster = fs.readFileSync(pidFile, 'utf8').split('\n')[0]
    const result = await cli(['import', 'calls', sample('queue_log.1')], embeddedEnv)
    expect(result.err).toBe('')
    expect(result.code).toBe(0)
    // the CLI used the running server: the same postmaster, still running after the CLI has gone
    expect(fs.readFileSync(pidFile, 'utf8').split('\n')[0]).toBe(postmaster)
    // the parent dies without a chance to clean up: its keeper stops the server (fast shutdown)
    process.kill(-owner.pid!, 'SIGKILL') // tsx and the node process it runs
    await waitGone(pidFile)
    expect(fs.existsSync(pidFile)).toBe(false)
    // the next command starts it again, with the data kept; it stops after the command
    const again = await cli(['import', 'calls', sample('queue_log.1')], embeddedEnv)
    expect(again.code).toBe(0)
    expect(again.out).toMatch(/новых 0/)
    await waitGone(pidFile)
    expect(fs.existsSync(pidFile)).toBe(false)
    fs.rmSync(dataDir, { recursive: true, force: true })
  })
})
