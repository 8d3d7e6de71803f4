/**
 * `npm run cli -- <command>`: scripted loads and set-up from a shell.
 *   import <offices|appeals|calls|visits> <file> [--skip-invalid] [--create-branches] [--format <адаптер>] [--mapping <название>]
 *   org [--name …] [--timezone …] [--regime network|supplier|both]
 *   demo [--force]
 *   migrate
 *   report <id of the registry> (--year <YYYY> | --from <YYYY-MM-DD> --to <YYYY-MM-DD>) [--as-of <YYYY-MM-DD>] [--param key=value …]
 *          --out <file.xlsx|file.ods|file.pdf | folder/ with --format>
 *   mail run [--as-of "YYYY-MM-DD HH:MM"]
 *   token add --name … --kinds calls,visits [--branches "…"] [--expires YYYY-MM-DD] | token list | token revoke <id>
 *   inbox run [--dir <folder>] [--settle <seconds>]
 * Exit codes: 0 done; 1 the file or the arguments were refused; 2 an internal error.
 */
import { createWriteStream } from 'node:fs'
import { rename } from 'node:fs/promises'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { parseArgs } from 'node:util'
import { openDatabase } from '#db/client.server.ts'
import { EmbeddedDatabaseError } from '#db/embedded.server.ts'
import { migrateToLatest } from '#db/migrate.ts'
import { seedFederalCalendar } from '#db/seed/calendar.ts'
import { loadDemo } from '#app/demo/load.server.ts'
import { IMPORT_KINDS, type ImportKind } from '#app/imports/kinds.ts'
import { runFileImport } from '#app/imports/pipeline.server.ts'
import { formatNames } from '#app/imports/adapters.ts'
import { formatReportText } from '#app/imports/report-text.ts'
import { InputError } from '#reports/errors.ts'
import { getOrganisation, updateOrganisation } from '#app/models/organisation.server.ts'
import { seedRulePresets } from '#reports/deadlines/rules.server.ts'
import { recordAudit } from '#app/models/audit.server.ts'
import { createUser, getCliUser, listBranches } from '#app/models/user.server.ts'
import { labelOf, regime as regimes } from '#reports/vocabulary.ts'
import { endOfLocalDay, isDateText } from '#reports/metrics/period.ts'
import { REPORTS, REPORT_IDS, type ReportFormat, reportContext, reportOf, runReport } from '#reports/registry.server.ts'
import { SUBJECTS } from '#app/utils/report-subjects.server.ts'
import { readView } from '#reports/metrics/view.ts'
import { mailConfig, mailOffReason } from '#app/mail/config.server.ts'
import { runMail } from '#app/mail/run.server.ts'
import { formatLocalDateTime, localToInstant } from '#reports/time/local-time.ts'
import { issueToken, listTokens, tokenListing, withdrawToken } from '#app/integration/tokens.server.ts'
import { inboxSetting, newInboxState, scanInbox } from '#app/integration/inbox.server.ts'

/** A report's arguments for the usage text: its input and its own parameters (the keys of its schema). */
function reportUsage(r: (typeof REPORTS)[number]): string {
  const input = r.input === 'year' ? ['--year'] : r.input === 'view' ? ['--from/--to'] : []
  const shape = (r.params as unknown as { shape?: Record<string, unknown> }).shape ?? {}
  return `${r.id} (${[...input, ...Object.keys(shape).map((k) => `--param ${k}=…`)].join(' ') || 'без параметров'})`
}

const USAGE = `Использование: npm run cli -- <команда>
  import <вид> <файл> [--skip-invalid] [--create-branches] [--format <формат>] [--mapping <сопоставление>]
                                         загрузить файл; вид: ${IMPORT_KINDS.join(', ')}; формат: ${formatNames().join(', ')};
                                         филиал, которого нет в справочнике, — ошибка строки, если не указан --create-branches
  org [--name …] [--timezone …] [--regime network|supplier|both]   показать или изменить настройки организации
  demo [--force]                          пересоздать демонстрационные данные
  user add --login … --name … --roles admin[,operator…] [--branches all|"Филиал 1,Филиал 2"]
                                          создать пользователя; пароль читается из переменной SQ_PASSWORD
  migrate                                 обновить структуру базы данных
  report <отчёт> [--year <ГГГГ> | --from <ГГГГ-ММ-ДД> --to <ГГГГ-ММ-ДД>] [--as-of <ГГГГ-ММ-ДД>] [--param ключ=значение …]
         --out <файл.xlsx|файл.ods|файл.pdf|файл.html|файл.csv | папка/ --format …>
                                          сформировать отчёт (все отчёты реестра): ${REPORTS.map(reportUsage).join(', ')};
                                          в папку — под именем по общей схеме («Приложение7_2025_…xlsx»); печатает проверки
  mail run [--as-of "ГГГГ-ММ-ДД ЧЧ:ММ"]   отправить оповещения и рассылки, которым пора (время — местное время организации)
  token add --name … --kinds calls,visits [--branches "Филиал 1,…"] [--expires ГГГГ-ММ-ДД]
                                          выпустить токен API загрузки; последняя строка — сам токен (показывается один раз)
  token list | token revoke <номер>       токены интеграции; отозвать токен
  inbox run [--dir <папка>] [--settle <с>]
                                          загрузить готовые файлы папки загрузки (IMPORT_INBOX или настройка) — для cron`

class UsageError extends Error {}

/** «.xlsx, .ods или .pdf» */
const orList = (items: readonly string[]) => (items.length > 1 ? `${items.slice(0, -1).join(', ')} или ${items.at(-1)}` : (items[0] ?? ''))

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  if (!command || command === 'help' || command === '--help') {
    console.log(USAGE)
    return command ? 0 : 1
  }
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      'skip-invalid': { type: 'boolean', default: false },
      'create-branches': { type: 'boolean', default: false },
      format: { type: 'string' },
      mapping: { type: 'string' },
      name: { type: 'string' },
      timezone: { type: 'string' },
      regime: { type: 'string' },
      force: { type: 'boolean', default: false },
      login: { type: 'string' },
      roles: { type: 'string' },
      branches: { type: 'string', default: 'all' },
      year: { type: 'string' },
      'as-of': { type: 'string' },
      out: { type: 'string' },
      kinds: { type: 'string' },
      expires: { type: 'string' },
      dir: { type: 'string' },
      settle: { type: 'string', default: '2' },
      from: { type: 'string' },
      to: { type: 'string' },
      param: { type: 'string', multiple: true },
    },
  })
  if (command === 'mail') {
    if (positionals[0] !== 'run') throw new UsageError('Поддерживается: mail run.')
    if (values['as-of'] !== undefined && !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/.test(values['as-of']))
      throw new UsageError('Момент --as-of — в виде "ГГГГ-ММ-ДД ЧЧ:ММ".')
  }
  if (!['import', 'org', 'demo', 'migrate', 'user', 'report', 'mail', 'token', 'inbox'].includes(command))
    throw new UsageError(`Неизвестная команда «${command}».`)
  if (command === 'import') {
    const [kind, file] = positionals
    if (!kind || !IMPORT_KINDS.includes(kind as ImportKind)) throw new UsageError(`Укажите вид файла: ${IMPORT_KINDS.join(', ')}.`)
    if (!file) throw new UsageError('Укажите путь к файлу.')
  }
  if (command === 'report') {
    const report = reportOf(positionals[0] ?? '')
    if (!report) throw new UsageError(`Укажите отчёт: ${REPORT_IDS.join(', ')}.`)
    if (report.input === 'year' && (!values.year || !/^\d{4}$/.test(values.year))) throw new UsageError('Укажите год: --year ГГГГ.')
    if (report.input === 'view' && (!isDateText(values.from) || !isDateText(values.to) || values.to! < values.from!))
      throw new UsageError('Укажите период: --from ГГГГ-ММ-ДД --to ГГГГ-ММ-ДД (не раньше начала).')
    if (values['as-of'] !== undefined && !isDateText(values['as-of'])) throw new UsageError('Дата --as-of — в виде ГГГГ-ММ-ДД.')
    const folder = values.out !== undefined && /[/\\]$/.test(values.out)
    const format = folder
      ? values.format
      : path
          .extname(values.out ?? '')
          .slice(1)
          .toLowerCase()
    if (!values.out || !(report.formats as readonly string[]).includes(format ?? ''))
      throw new UsageError(
        `Укажите файл --out с расширением ${orList(report.formats.map((f) => `.${f}`))} (или папку --out папка/ и --format ${report.formats.join('|')}).`,
      )
    for (const p of values.param ?? []) if (!/^[a-z]+=/i.test(p)) throw new UsageError(`Параметр --param — в виде ключ=значение: «${p}».`)
  }

  if (command === 'token') {
    if (!['add', 'list', 'revoke'].includes(positionals[0] ?? '')) throw new UsageError('Поддерживается: token add, token list, token revoke <номер>.')
    if (positionals[0] === 'add' && (!values.name || !values.kinds)) throw new UsageError('Укажите --name и --kinds (например, --kinds calls,visits).')
    if (positionals[0] === 'add' && values.expires !== undefined && !isDateText(values.expires)) throw new UsageError('Дата --expires — в виде ГГГГ-ММ-ДД.')
    if (positionals[0] === 'revoke' && !positionals[1]) throw new UsageError('Укажите номер токена: token revoke <номер>.')
  }
  if (command === 'inbox') {
    if (positionals[0] !== 'run') throw new UsageError('Поддерживается: inbox run.')
    if (!/^\d+(\.\d+)?$/.test(values.settle ?? '')) throw new UsageError('--settle — число секунд.')
  }

  const database = await openDatabase()
  try {
    await migrateToLatest(database.db)
    await seedFederalCalendar(database.db)
    const org = await getOrganisation(database.db)
    await seedRulePresets(database.db, org.id, org.regime)
    const cliUser = await getCliUser(database.db, org.id)
    switch (command) {
      case 'migrate':
        console.log('Структура базы данных обновлена.')
        return 0
      case 'org': {
        const changed = values.name !== undefined || values.timezone !== undefined || values.regime !== undefined
        const current = changed
          ? await updateOrganisation(database.db, org.id, {
              name: values.name,
              timeZone: values.timezone,
              regime: values.regime as 'network' | 'supplier' | 'both' | undefined,
            })
          : org
        if (changed) {
          await recordAudit(database.db, {
            orgId: org.id,
            userId: cliUser.id,
            actor: cliUser.login,
            action: 'settings.update',
            object: 'организация',
            details: {
              before: { name: org.name, timeZone: org.time_zone, regime: org.regime },
              after: { name: current.name, timeZone: current.time_zone, regime: current.regime },
            },
          })
        }
        console.log(`Организация: ${current.name}\nЧасовой пояс: ${current.time_zone}\nРежим: ${current.regime} (${labelOf(regimes, current.regime)})`)
        return 0
      }
      case 'user': {
        if (positionals[0] !== 'add') throw new UsageError('Поддерживается: user add.')
        const password = process.env.SQ_PASSWORD ?? ''
        if (!values.login || !values.name || !values.roles) throw new UsageError('Укажите --login, --name и --roles.')
        const branchNames =
          values.branches === 'all'
            ? []
            : (values.branches ?? '')
                .split(',')
                .map((b) => b.trim())
                .filter(Boolean)
        const branches = await listBranches(database.db, org.id)
        const unknown = branchNames.filter((name) => !branches.some((b) => b.name === name))
        if (unknown.length) throw new InputError(`Нет таких филиалов: ${unknown.join(', ')}. Есть: ${branches.map((b) => b.name).join(', ') || 'ни одного'}.`)
        const user = await createUser(database.db, org.id, {
          login: values.login,
          fullName: values.name,
          password,
          roles: values.roles.split(',').map((r) => r.trim()),
          allBranches: values.branches === 'all',
          branchIds: branches.filter((b) => branchNames.includes(b.name)).map((b) => b.id),
        })
        await recordAudit(database.db, {
          orgId: org.id,
          userId: cliUser.id,
          actor: cliUser.login,
          action: 'user.create',
          object: user.login,
          details: { roles: user.roles, allBranches: user.allBranches },
        })
        console.log(`Пользователь ${user.login} создан: роли ${user.roles.join(', ')}.`)
        return 0
      }
      case 'demo': {
        await loadDemo(database, org, { force: values.force, log: (line) => console.log(line) })
        await recordAudit(database.db, { orgId: org.id, userId: cliUser.id, actor: cliUser.login, action: 'demo' })
        console.log('Демонстрационные данные созданы.')
        return 0
      }
      case 'report': {
        const report = reportOf(positionals[0]!)!
        const asOf = values['as-of'] ? endOfLocalDay(values['as-of'], org.time_zone) : new Date()
        const folder = /[/\\]$/.test(values.out!)
        const format = (folder ? values.format! : path.extname(values.out!).slice(1).toLowerCase()) as ReportFormat
        const view =
          report.input === 'view'
            ? readView(new URLSearchParams({ period: 'custom', from: values.from!, to: values.to! }), org.time_zone, Number(values.from!.slice(0, 4)))
            : undefined
        const ctx = await reportContext(
          database,
          { orgId: org.id, branches: 'all' },
          { year: values.year ? Number(values.year) : undefined, view, asOf, by: `${cliUser.login} (командная строка)`, personalData: true },
        )
        const params = Object.fromEntries((values.param ?? []).map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]))
        if (report.subject) {
          // a report about one thing (a survey, a batch of links, the work list, an import): found as the
          // download path finds it, for the whole organisation; links are addressed by PUBLIC_URL
          const user = {
            id: cliUser.id,
            orgId: org.id,
            login: cliUser.login,
            fullName: cliUser.login,
            roles: ['admin' as const],
            allBranches: true,
            branchIds: [],
            sessionVersion: 0,
          }
          const ask = {
            request: new Request(process.env.PUBLIC_URL?.trim() || 'http://localhost'),
            database,
            org,
            user,
            scope: ctx.scope,
            personalData: true,
            params,
          }
          try {
            ctx.subject = { kind: report.subject, ...(await SUBJECTS[report.subject](ask)) } as typeof ctx.subject
          } catch (error) {
            if (error instanceof Response) throw new InputError(await error.text())
            throw error
          }
        }
        const run = await runReport(ctx, report.id, format, params)
        const out = folder ? path.resolve(values.out!, run.fileName) : path.resolve(values.out!)
        const partial = `${out}.part`
        await pipeline(run.stream, createWriteStream(partial))
        await rename(partial, out)
        const { object, ...details } = run.audit
        await recordAudit(database.db, {
          orgId: org.id,
          userId: cliUser.id,
          actor: cliUser.login,
          action: run.auditAction,
          object: typeof object === 'string' ? object : report.id,
          details: { ...details, file: path.basename(out) },
        })
        const when = report.input === 'year' ? ` за ${values.year} год` : report.input === 'view' ? ` за ${values.from} — ${values.to}` : ''
        console.log(`${run.title}${when} → ${out}`)
        for (const line of run.summary) console.log(line)
        if (run.failedChecks)
          console.log(
            `Не пройдено проверок: ${run.failedChecks}. Файл сформирован и говорит об этом ${format === 'pdf' ? 'на первой странице' : 'на листе «Проверки»'}.`,
          )
        return 0
      }
      case 'mail': {
        const config = mailConfig()
        if (!config) {
          console.error(mailOffReason())
          return 1
        }
        let asOf = new Date()
        if (values['as-of']) {
          const [d, hm] = values['as-of'].split(' ') as [string, string]
          if (!isDateText(d)) throw new UsageError('Момент --as-of — в виде "ГГГГ-ММ-ДД ЧЧ:ММ".')
          const [hh, mm] = hm.split(':').map(Number) as [number, number]
          if (hh > 23 || mm > 59) throw new UsageError('Момент --as-of — в виде "ГГГГ-ММ-ДД ЧЧ:ММ".')
          asOf = localToInstant(org.time_zone, Number(d.slice(0, 4)), Number(d.slice(5, 7)), Number(d.slice(8, 10)), hh, mm)
        }
        const r = await runMail(database, { asOf, config })
        if (r.busy) {
          console.log('Рассылку сейчас выполняет другой процесс; ничего не сделано.')
          return 0
        }
        console.log(
          `Почта на ${formatLocalDateTime(asOf, org.time_zone)} (${org.time_zone}): запланировано ${r.planned}, отправлено ${r.sent}, пустых списков ${r.empty}, повтор позже ${r.retried}, не отправлено ${r.failed}.`,
        )
        return r.failed ? 2 : 0
      }
      case 'token': {
        if (positionals[0] === 'list') {
          const tokens = await listTokens(database.db, org.id)
          if (!tokens.length) console.log('Токенов нет.')
          const branches = new Map((await listBranches(database.db, org.id)).map((b) => [String(b.id), b.name]))
          for (const t of tokens) {
            const { state, scope, until } = tokenListing(t, branches, org.time_zone)
            console.log(`№${t.id}\t${t.name}\t${t.prefix}…\t${t.kinds.join(',')}\t${scope}\tдо: ${until}\t${state}`)
          }
          return 0
        }
        if (positionals[0] === 'revoke') {
          const token = await withdrawToken(database.db, org.id, positionals[1]!, cliUser)
          console.log(`Токен №${token.id} «${token.name}» отозван.`)
          return 0
        }
        const branchNames =
          values.branches === 'all'
            ? []
            : (values.branches ?? '')
                .split(',')
                .map((b) => b.trim())
                .filter(Boolean)
        const { token, secret } = await issueToken(database.db, org.id, {
          name: values.name!,
          kinds: values.kinds!.split(','),
          branches: branchNames,
          expiresAt: values.expires ? endOfLocalDay(values.expires, org.time_zone) : null,
          createdBy: { id: cliUser.id, login: cliUser.login },
        })
        console.log(
          `Токен №${token.id} «${token.name}» создан: ${token.kinds.join(', ')}; ${token.branchIds ? `филиалы: ${branchNames.join(', ')}` : 'вся организация'}.`,
        )
        console.log('Сохраните его сейчас: он показывается один раз (хранится только его отпечаток SHA-256).')
        console.log(secret)
        return 0
      }
      case 'inbox': {
        const dir = values.dir ? path.resolve(values.dir) : inboxSetting(org).dir
        if (!dir) throw new InputError('Папка загрузки не задана: укажите --dir, переменную IMPORT_INBOX или папку в настройках организации.')
        const state = newInboxState()
        const log = (line: string) => console.log(line)
        const skipInvalid = process.env.IMPORT_INBOX_SKIP_INVALID === '1'
        // a file is complete when two scans see the same size and time: look, wait, look again
        const first = await scanInbox(database, dir, state, { log, skipInvalid })
        await new Promise((resolve) => setTimeout(resolve, Number(values.settle) * 1000))
        const results = [...first, ...(await scanInbox(database, dir, state, { log, skipInvalid }))]
        if (!results.length) console.log(`В папке ${dir} нет готовых файлов.`)
        return results.some((r) => r.status === 'failed') ? 2 : results.some((r) => r.status === 'rejected') ? 1 : 0
      }
      case 'import': {
        const [kind, file] = positionals as [ImportKind, string]
        const report = await runFileImport(
          { database, orgId: org.id, zone: org.time_zone },
          {
            kind,
            path: path.resolve(file),
            fileName: path.basename(file),
            skipInvalid: values['skip-invalid'] ?? false,
            createBranches: values['create-branches'] ?? false,
            ...(values.format ? { format: values.format } : {}),
            ...(values.mapping ? { mapping: values.mapping } : {}),
            source: 'cli',
            userId: cliUser.id,
            actor: cliUser.login,
          },
        )
        console.log(formatReportText(report, { withValues: true, cli: true }))
        return report.status === 'done' ? 0 : report.status === 'rejected' ? 1 : 2
      }
    }
    return 0
  } finally {
    await database.close()
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    if (error instanceof UsageError || (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      console.error(`${(error as Error).message}\n\n${USAGE}`)
      process.exit(1)
    }
    if (error instanceof InputError || error instanceof EmbeddedDatabaseError) {
      console.error(error.message)
      process.exit(1)
    }
    console.error(`Ошибка: ${(error as Error).message}`)
    process.exit(2)
  },
)
