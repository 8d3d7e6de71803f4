import { SMTPServer } from 'smtp-server'
import { simpleParser, type ParsedMail } from 'mailparser'
import { openDatabase } from '#db/client.server.ts'
import { openTestDatabase } from '#test/setup/database.ts'
import { tmpFile } from '#test/setup/files.ts'
import { freePort } from '#test/setup/net.ts'
import { runCli } from '#test/setup/cli.ts'
import { getOrganisation } from '#app/models/organisation.server.ts'
import { createUser } from '#app/models/user.server.ts'
import { runFileImport } from '#app/imports/pipeline.server.ts'
import { migrateToLatest } from '#db/migrate.ts'
import { seedRulePresets } from '#reports/deadlines/rules.server.ts'
import { addSubscription, setOwnEmail } from './subscriptions.server.ts'

const cli = runCli

const received: ParsedMail[] = []
let server: SMTPServer
let port: number
let env: Record<string, string>

beforeAll(async () => {
  port = await freePort()
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData: (stream, _s, cb) => void simpleParser(stream).then((m) => (received.push(m), cb()), cb),
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  const test = await openTestDatabase()
  env = { DATABASE_URL: test.url }
  await test.database.close()
  const database = await openDatabase(env)
  try {
    await migrateToLatest(database.db)
    const org = await getOrganisation(database.db)
    await seedRulePresets(database.db, org.id, org.regime)
    await runFileImport(
      { database, orgId: org.id, zone: org.time_zone },
      {
        kind: 'appeals',
        path: tmpFile('a.csv', 'reg_number;received_at;form;topic\nC1;01.03.2025 09:00;почта;прочее'),
        fileName: 'a.csv',
        skipInvalid: false,
        source: 'cli',
      },
    )
    const user = await createUser(database.db, org.id, {
      login: 'officer',
      fullName: 'Специалист',
      password: 'пароль-для-теста',
      roles: ['quality'],
      allBranches: true,
      branchIds: [],
    })
    await setOwnEmail(database.db, user.id, 'officer@example.ru')
    await addSubscription(database.db, user, { kind: 'alert', view: '', format: '', frequency: '', localTime: '08:00', dueDays: 3, addresses: '' })
  } finally {
    await database.close()
  }
})

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

describe('npm run cli -- mail run', { timeout: 240_000 }, () => {
  it('refuses without SMTP settings, then sends what is due at --as-of, once', async () => {
    const off = await cli(['mail', 'run'], env)
    expect(off.code).toBe(1)
    expect(off.err).toContain('Почта не настроена')
    const mail = { ...env, SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_FROM: 'noreply@example.ru', APP_URL: 'https://sq.example.ru' }
    const bad = await cli(['mail', 'run', '--as-of', '01.04.2025 08:00'], mail)
    expect(bad.code).toBe(1)
    const run = await cli(['mail', 'run', '--as-of', '2025-04-01 08:00'], mail)
    expect(run.err).toBe('')
    expect(run.code).toBe(0)
    expect(run.out).toContain('запланировано 1, отправлено 1')
    expect(received.map((m) => m.subject)).toEqual(['Список дел на 01.04.2025: просрочено 1, срок на подходе 0, не перезвонили 0, ошибок загрузки 0'])
    const again = await cli(['mail', 'run', '--as-of', '2025-04-01 08:05'], mail)
    expect(again.out).toContain('запланировано 0, отправлено 0')
    expect(received).toHaveLength(1)
  })
})
