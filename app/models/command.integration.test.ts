/**
 * Commands own their transaction (issue 19 §4, ADR 025): the change, its recomputation and its audit row
 * commit together or not at all. The failures are made by the database itself (a trigger), half-way
 * through the command: without the transaction the first statements would stay.
 */
import { sql } from 'kysely'
import { type TestWorld, resetWorld, useTestDatabase } from '#test/setup/database.ts'
import { changeCalendar, listCalendarDays } from './calendar.server.ts'
import type { Actor } from './command.server.ts'
import { changeRule, findRule } from './deadline-rule.server.ts'
import { createUser, scopeOf } from './user.server.ts'
import { signIn } from './sign-in.server.ts'
import { getSurvey, saveSurvey, storeResponse } from './survey.server.ts'
import { storePhoneResponseCommand } from './survey-commands.server.ts'
import { inTransaction } from './command.server.ts'

const t = useTestDatabase()
let world: TestWorld
let actor: Actor

async function auditRows(action: string) {
  return t.database.db.selectFrom('audit_event').select(['actor', 'user_id', 'object', 'details', 'ip']).where('action', '=', action).execute()
}

async function dueDates() {
  const rows = await t.database.db.selectFrom('appeal').select(['reg_number', 'due_at']).orderBy('reg_number').execute()
  return rows.map((r) => [r.reg_number, r.due_at?.toISOString() ?? null])
}

/** Makes the next statement of `kind` on `table` fail, as a full disk or a lost connection would. */
async function failOn(table: 'appeal' | 'audit_event', kind: 'update' | 'insert') {
  await sql
    .raw(
      `create or replace function test_fail() returns trigger language plpgsql as $$ begin raise exception 'сбой посреди команды'; end $$;
       drop trigger if exists test_fail on ${table};
       create trigger test_fail before ${kind} on ${table} for each row execute function test_fail();`,
    )
    .execute(t.database.db)
}

async function stopFailing() {
  await sql.raw('drop trigger if exists test_fail on appeal; drop trigger if exists test_fail on audit_event;').execute(t.database.db)
}

beforeEach(async () => {
  world = await resetWorld(t.database)
  await t.database.db.deleteFrom('calendar_day').where('org_id', 'is not', null).execute()
  await t.database.db.deleteFrom('calendar_year').where('org_id', 'is not', null).execute()
  await t.database.db.deleteFrom('audit_event').execute()
  // received on Friday 29 August 2025 (Moscow): 4 hours for a phone appeal; 30 calendar days for a written one,
  // the last day (Sunday 28 September) moved forward to the next working day
  await t.database.db
    .insertInto('appeal')
    .values([
      { org_id: world.org.id, reg_number: 'п-1', received_at: new Date('2025-08-29T10:00:00+03:00'), form: 'phone', topic: 'metering' },
      { org_id: world.org.id, reg_number: 'п-2', received_at: new Date('2025-08-29T11:00:00+03:00'), form: 'post', topic: 'other' },
    ])
    .execute()
  const user = await createUser(t.database.db, world.org.id, {
    login: 'calendar.admin',
    fullName: 'Календарь',
    password: 'пароль-для-теста-1',
    roles: ['admin'],
    allBranches: true,
    branchIds: [],
  })
  const org = await t.database.db.selectFrom('organisation').selectAll().where('id', '=', world.org.id).executeTakeFirstOrThrow()
  actor = { org, user, ip: '10.0.0.7', scope: scopeOf(user) }
  // the due dates as an import leaves them
  await changeCalendar(t.database.db, actor, { intent: 'add-day', day: '01.01.2030', kind: 'holiday', note: '' })
  await t.database.db.deleteFrom('audit_event').execute()
})

afterEach(stopFailing)

describe('calendar command', () => {
  it('adds a day, counts the due dates again and writes one audit row with the actor, in one go', async () => {
    const before = await dueDates()
    expect(before).toEqual([
      ['п-1', '2025-08-29T11:00:00.000Z'],
      ['п-2', '2025-09-29T21:00:00.000Z'],
    ])
    // Monday 29 September becomes a regional holiday: the written appeal's last day moves to Tuesday
    const { recomputed } = await changeCalendar(t.database.db, actor, { intent: 'add-day', day: '29.09.2025', kind: 'holiday', note: 'День республики' })
    expect(recomputed).toBe(1)
    expect(await dueDates()).toEqual([
      ['п-1', '2025-08-29T11:00:00.000Z'],
      ['п-2', '2025-09-30T21:00:00.000Z'],
    ])
    expect(await auditRows('calendar.update')).toEqual([
      {
        actor: 'calendar.admin',
        user_id: actor.user.id,
        object: 'производственный календарь',
        details: { intent: 'add-day', added: '2025-09-29', kind: 'holiday', recomputed: 1 },
        ip: '10.0.0.7',
      },
    ])
  })

  it('fails half-way through the recomputation: no day added, no due date changed, no audit row', async () => {
    const before = await dueDates()
    await failOn('appeal', 'update')
    await expect(changeCalendar(t.database.db, actor, { intent: 'add-day', day: '29.09.2025', kind: 'holiday', note: '' })).rejects.toThrow(
      'сбой посреди команды',
    )
    await stopFailing()
    expect((await listCalendarDays(t.database.db, world.org.id, 2025)).filter((d) => d.orgId)).toEqual([])
    expect(await dueDates()).toEqual(before)
    expect(await auditRows('calendar.update')).toEqual([])
  })

  it('fails at the audit row: the day and the recomputed due dates are rolled back too', async () => {
    const before = await dueDates()
    await failOn('audit_event', 'insert')
    await expect(
      changeCalendar(t.database.db, actor, { intent: 'add-year', year: 2031, holidays: '02.01.2031', workingWeekends: '', source: '' }),
    ).rejects.toThrow('сбой посреди команды')
    await stopFailing()
    expect(await t.database.db.selectFrom('calendar_year').select('year').where('org_id', '=', world.org.id).execute()).toEqual([])
    expect((await listCalendarDays(t.database.db, world.org.id, 2031)).filter((d) => d.orgId)).toEqual([])
    expect(await dueDates()).toEqual(before)
  })

  it('a refusal (InputError) names its field and leaves nothing behind', async () => {
    await expect(
      changeCalendar(t.database.db, actor, { intent: 'add-year', year: 2032, holidays: '01.01.2032\n01.01.2033', workingWeekends: '', source: '' }),
    ).rejects.toMatchObject({
      message: 'Дата 2033-01-01 не относится к 2032 году.',
      field: 'holidays',
    })
    expect(await t.database.db.selectFrom('calendar_year').select('year').where('org_id', '=', world.org.id).execute()).toEqual([])
    expect(await auditRows('calendar.update')).toEqual([])
  })
})

describe('rule command', () => {
  it('saves the rule, recomputes and audits together; a failure half-way keeps the old rule and writes no audit row', async () => {
    const rule = (await findRule(t.database.db, world.org.id, (await ruleId('network_appeal_written'))!))!
    const before = await dueDates()
    const change = { name: rule.name, amount: 15, unit: 'calendar_days', active: true, isAverage: false, priority: rule.priority, source: '' }
    await failOn('audit_event', 'insert')
    await expect(changeRule(t.database.db, actor, rule, change)).rejects.toThrow('сбой посреди команды')
    await stopFailing()
    expect((await findRule(t.database.db, world.org.id, rule.id))!.amount).toBe(rule.amount)
    expect(await dueDates()).toEqual(before)

    expect(await changeRule(t.database.db, actor, rule, change)).toEqual({ recomputed: 1 })
    expect((await findRule(t.database.db, world.org.id, rule.id))!.amount).toBe('15')
    const [audit] = await auditRows('rule.update')
    expect(audit).toMatchObject({ actor: 'calendar.admin', object: rule.name, details: { after: change, recomputed: 1 } })
  })
})

async function ruleId(code: string) {
  return (await t.database.db.selectFrom('deadline_rule').select('id').where('org_id', '=', world.org.id).where('code', '=', code).executeTakeFirst())?.id
}

describe('sign-in command (no actor yet: the organisation, the login typed, the address)', () => {
  const visitor = () => ({ org: world.org, login: 'calendar.admin', ip: '10.0.0.9' })
  const attempts = () => t.database.db.selectFrom('sign_in_attempt').select(['outcome']).orderBy('id').execute()

  it('a wrong password: the attempt counted as failed and its audit row naming the login tried; a right one: the user', async () => {
    await t.database.db.deleteFrom('sign_in_attempt').execute()
    expect(await signIn(t.database.db, visitor(), 'не тот пароль')).toEqual({ ok: false, reason: 'wrong' })
    const ok = await signIn(t.database.db, visitor(), 'пароль-для-теста-1')
    expect(ok.ok && ok.user.login).toBe('calendar.admin')
    // the success forgets this login's failures from this address
    expect((await attempts()).map((a) => a.outcome)).toEqual(['succeeded'])
    expect((await auditRows('login.failed')).map((r) => [r.actor, r.user_id, r.ip])).toEqual([['calendar.admin', null, '10.0.0.9']])
    expect((await auditRows('login')).map((r) => [r.actor, r.user_id, r.ip])).toEqual([['calendar.admin', actor.user.id, '10.0.0.9']])
  })

  it('the audit row fails: the sign-in is not marked succeeded (the pair’s failures are not forgotten)', async () => {
    await t.database.db.deleteFrom('sign_in_attempt').execute()
    await signIn(t.database.db, visitor(), 'не тот пароль')
    await failOn('audit_event', 'insert')
    await expect(signIn(t.database.db, visitor(), 'пароль-для-теста-1')).rejects.toThrow('сбой посреди команды')
    await stopFailing()
    // the first failure stays, and the reserved attempt (committed before the password check) counts as one
    expect((await attempts()).map((a) => a.outcome)).toEqual(['failed', 'pending'])
    expect(await auditRows('login')).toEqual([])
  })
})

describe('phone survey command', () => {
  async function survey() {
    const id = await saveSurvey(t.database.db, world.org.id, actor.user.id, null, {
      title: 'Телефонный опрос',
      intro: null,
      subjectKind: 'organisation',
      subjectCode: null,
      opensOn: '2025-01-01',
      closesOn: null,
      questions: [{ id: 'q1', kind: 'csat', text: 'Оцените обслуживание', required: true }],
    })
    return (await getSurvey(t.database.db, world.org.id, id))!
  }
  const answers = [{ questionId: 'q1', kind: 'csat' as const, score: 5, choices: null, text: null }]

  it('stores the response tied to the appeal and its audit row together', async () => {
    const s = await survey()
    const stored = await storePhoneResponseCommand(t.database.db, actor, s, { record: { kind: 'appeal', number: 'п-1' }, answers })
    expect(stored.stored).toBe(true)
    const rows = await auditRows('survey.phone')
    expect(rows.map((r) => [r.actor, r.object, r.details, r.ip])).toEqual([
      ['calendar.admin', 'Телефонный опрос', { survey: s.id, response: stored.stored ? stored.id : null, record: 'appeal' }, '10.0.0.7'],
    ])
  })

  it('an unknown record is refused: nothing stored, no audit row', async () => {
    const s = await survey()
    await expect(storePhoneResponseCommand(t.database.db, actor, s, { record: { kind: 'appeal', number: 'нет-такого' }, answers })).rejects.toThrow()
    expect(await t.database.db.selectFrom('survey_response').select('id').execute()).toEqual([])
    expect(await auditRows('survey.phone')).toEqual([])
  })

  it('inside a transaction, a used single-use link is refused behind a savepoint and the transaction goes on', async () => {
    const s = await survey()
    const appeal = await t.database.db.selectFrom('appeal').select('id').where('reg_number', '=', 'п-1').executeTakeFirstOrThrow()
    const invitation = await t.database.db
      .insertInto('survey_invitation')
      .values({ org_id: world.org.id, survey_id: s.id, token: 'token-used-once-1', single_use: true, delivery: 'phone', appeal_id: appeal.id } as never)
      .returning('id')
      .executeTakeFirstOrThrow()
    const dims = { branchId: null, officeCode: null, form: 'phone', topic: null, consumerType: null, appealId: appeal.id, callId: null, visitId: null }
    const input = { survey: s, invitation: { id: invitation.id, singleUse: true }, collectedBy: 'phone' as const, dims, answers }
    const outcome = await inTransaction(t.database.db, async (tx) => {
      const first = await storeResponse(tx, input)
      const second = await storeResponse(tx, input)
      // without the savepoint PostgreSQL would refuse this statement: the transaction would be aborted
      const third = await storeResponse(tx, { ...input, invitation: null })
      return [first.stored, second, third.stored]
    })
    expect(outcome).toEqual([true, { stored: false, reason: 'used' }, true])
    expect(await t.database.db.selectFrom('survey_response').select('id').execute()).toHaveLength(2)
  })
})
