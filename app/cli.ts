/**
 * `npm run cli -- <command>`: scripted loads and set-up from a shell.
 *   import <offices|appeals|calls|visits> <file> [--skip-invalid]
 *   org [--name …] [--timezone …] [--regime network|supplier|both]
 *   demo [--force]
 *   migrate
 * Exit codes: 0 done; 1 the file or the arguments were refused; 2 an internal error.
 */
import path from 'node:path'
import { parseArgs } from 'node:util'
import { DatabaseBusyError, openDatabase } from '#db/client.server.ts'
import { migrateToLatest } from '#db/migrate.ts'
import { seedFederalCalendar } from '#db/seed/calendar.ts'
import { loadDemo } from '#app/demo/load.server.ts'
import { IMPORT_KINDS, type ImportKind } from '#app/imports/kinds.ts'
import { runFileImport } from '#app/imports/pipeline.server.ts'
import { formatReportText } from '#app/imports/report-text.ts'
import { InputError } from '#app/models/errors.ts'
import { getOrganisation, updateOrganisation } from '#app/models/organisation.server.ts'
import { labelOf, regime as regimes } from '#reports/vocabulary.ts'

const USAGE = `Использование: npm run cli -- <команда>
  import <вид> <файл> [--skip-invalid]   загрузить файл; вид: ${IMPORT_KINDS.join(', ')}
  org [--name …] [--timezone …] [--regime network|supplier|both]   показать или изменить настройки организации
  demo [--force]                          пересоздать демонстрационные данные
  migrate                                 обновить структуру базы данных`

class UsageError extends Error {}

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
      name: { type: 'string' },
      timezone: { type: 'string' },
      regime: { type: 'string' },
      force: { type: 'boolean', default: false },
    },
  })
  if (!['import', 'org', 'demo', 'migrate'].includes(command)) throw new UsageError(`Неизвестная команда «${command}».`)
  if (command === 'import') {
    const [kind, file] = positionals
    if (!kind || !IMPORT_KINDS.includes(kind as ImportKind)) throw new UsageError(`Укажите вид файла: ${IMPORT_KINDS.join(', ')}.`)
    if (!file) throw new UsageError('Укажите путь к файлу.')
  }

  const database = await openDatabase()
  try {
    await migrateToLatest(database.db)
    await seedFederalCalendar(database.db)
    const org = await getOrganisation(database.db)
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
        console.log(`Организация: ${current.name}\nЧасовой пояс: ${current.time_zone}\nРежим: ${current.regime} (${labelOf(regimes, current.regime)})`)
        return 0
      }
      case 'demo': {
        await loadDemo(database, org, { force: values.force, log: (line) => console.log(line) })
        console.log('Демонстрационные данные созданы.')
        return 0
      }
      case 'import': {
        const [kind, file] = positionals as [ImportKind, string]
        const report = await runFileImport(
          { database, orgId: org.id, zone: org.time_zone },
          { kind, path: path.resolve(file), fileName: path.basename(file), skipInvalid: values['skip-invalid'] ?? false, source: 'cli' },
        )
        console.log(formatReportText(report, { withValues: true }))
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
    if (error instanceof InputError || error instanceof DatabaseBusyError) {
      console.error(error.message)
      process.exit(1)
    }
    console.error(`Ошибка: ${(error as Error).message}`)
    process.exit(2)
  },
)
