import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
import { runFileImport } from '#app/imports/pipeline.server.ts'
import { runNextImport } from '#app/imports/jobs.server.ts'
import { listImportBatches } from '#app/models/import-batch.server.ts'
import { sample, tmpFile } from '#test/setup/files.ts'
import { type TestWorld, resetWorld, useTestDatabase } from '#test/setup/database.ts'
import { type ApiContext, getImport, postImport } from './api.server.ts'
import { createToken, issueToken, listTokens, revokeToken, withdrawToken } from './tokens.server.ts'

/** The import API (ADR 017) on a real database: tokens, posted files, the JSON report, refusals. */
const t = useTestDatabase()
let world: TestWorld
let root: string
let ctx: ApiContext

beforeEach(async () => {
  world = await resetWorld(t.database)
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'sq-api-'))
  ctx = { database: t.database, org: world.org, ip: '192.0.2.7', root }
})
afterEach(() => fs.rmSync(root, { recursive: true, force: true }))

const admin = { id: null, login: 'admin' }
const post = (kind: string, secret: string | null, body: BodyInit, query = '', headers: Record<string, string> = {}) =>
  new Request(`http://localhost/api/imports/${kind}${query}`, {
    method: 'POST',
    body,
    headers: { ...(secret ? { Authorization: `Bearer ${secret}` } : {}), 'Content-Type': 'text/csv', ...headers },
  })
const get = (id: string, secret: string) => new Request(`http://localhost/api/imports/${id}`, { headers: { Authorization: `Bearer ${secret}` } })

/** The POST waits while a runner (here: this loop, as the server's runner would) takes the job. */
async function postAndRun(request: Request, kind: string): Promise<Response> {
  let stop = false
  const runner = (async () => {
    while (!stop) if (!(await runNextImport(t.database, root))) await new Promise((r) => setTimeout(r, 20))
  })()
  try {
    return await postImport(request, kind, ctx, { waitMs: 30_000 })
  } finally {
    stop = true
    await runner
  }
}

const file = (name: string) => fs.readFileSync(sample(name))
const uploadsLeft = () => fs.readdirSync(root)
const audits = async (action: string) =>
  (
    await sql<{ actor: string; details: Record<string, unknown> }>`select actor, details from audit_event where action = ${action} order by id`.execute(
      t.database.db,
    )
  ).rows

describe('import API', () => {
  it('a token posts a file: the exact JSON report, the history names the token, every use is audited; a re-post changes nothing', async () => {
    const { secret, token } = await createToken(t.database.db, world.org.id, { name: 'АТС', kinds: ['calls', 'visits'], createdBy: admin })
    expect(secret).toMatch(/^sq_[A-Za-z0-9_-]{43}$/)
    const stored = await t.database.db.selectFrom('integration_token').select(['secret_hash', 'prefix']).executeTakeFirstOrThrow()
    expect(stored.secret_hash).not.toContain(secret.slice(3, 20)) // only the hash is kept
    expect(stored.secret_hash).toMatch(/^[0-9a-f]{64}$/)
    // as curl --data-binary sends it by default: a form's content type, the file as the body
    const response = await postAndRun(
      post('calls', secret, file('calls.csv'), '?name=calls.csv', { 'Content-Type': 'application/x-www-form-urlencoded' }),
      'calls',
    )
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^application\/json/)
    const body = await response.json()
    expect(body).toMatchObject({
      status: 'done',
      kind: 'calls',
      fileName: 'calls.csv',
      format: 'csv',
      read: 4,
      stored: 4,
      inserted: 4,
      updated: 0,
      unchanged: 0,
      rejected: 0,
      rejections: [],
      rejectionsTotal: 0,
    })
    expect(uploadsLeft()).toEqual([]) // the body's folder is gone
    const again = await (await postAndRun(post('calls', secret, file('calls.csv')), 'calls')).json()
    expect(again).toMatchObject({ status: 'done', read: 4, stored: 4, inserted: 0, updated: 0, unchanged: 4, rejected: 0 })
    expect((await sql<{ n: number }>`select count(*)::int as n from call`.execute(t.database.db)).rows[0]!.n).toBe(4)
    // GET returns the same
    const read = await getImport(get(body.id, secret), body.id, ctx)
    expect(read.status).toBe(200)
    expect(await read.json()).toEqual(body)
    const history = await listImportBatches(t.database.db, world.org.id, 1)
    expect(history.rows.map((r) => [r.source, r.tokenName])).toEqual([
      ['api', 'АТС'],
      ['api', 'АТС'],
    ])
    // polling: the use is audited once per import (the POST that queued it), not per GET
    for (let i = 0; i < 3; i++) expect((await getImport(get(body.id, secret), body.id, ctx)).status).toBe(200)
    expect((await audits('token.use')).map((a) => [a.details.method, a.details.batch])).toEqual([
      ['POST', body.id],
      ['POST', again.id],
    ])
    // another token reading this import: its first read is recorded, its later polls are not
    const other = await createToken(t.database.db, world.org.id, { name: 'Мониторинг', kinds: ['calls'], createdBy: admin })
    for (let i = 0; i < 2; i++) expect((await getImport(get(body.id, other.secret), body.id, ctx)).status).toBe(200)
    expect((await audits('token.use')).map((a) => [a.actor, a.details.method, a.details.batch])).toEqual([
      ['API: АТС', 'POST', body.id],
      ['API: АТС', 'POST', again.id],
      ['API: Мониторинг', 'GET', body.id],
    ])
    expect((await audits('import')).map((a) => a.actor)).toEqual(['API: АТС', 'API: АТС'])
    expect((await listTokens(t.database.db, world.org.id))[0]!.lastUsedAt).not.toBeNull()
    expect(token.kinds).toEqual(['calls', 'visits'])
  })

  it('issuing and revoking (the page and the CLI) are audited with who and from where', async () => {
    const who = { id: null, login: 'admin' }
    const { token } = await issueToken(t.database.db, world.org.id, { name: 'СЭД', kinds: ['appeals'], createdBy: who }, '192.0.2.9')
    await withdrawToken(t.database.db, world.org.id, token.id, who, '192.0.2.9')
    const rows = await sql<{ action: string; actor: string; object: string; ip: string }>`
      select action, actor, object, ip from audit_event where action like 'token.%' order by id`.execute(t.database.db)
    expect(rows.rows).toEqual([
      { action: 'token.create', actor: 'admin', object: `токен №${token.id}`, ip: '192.0.2.9' },
      { action: 'token.revoke', actor: 'admin', object: `токен №${token.id}`, ip: '192.0.2.9' },
    ])
  })

  it('a refused file is 422 with its rejections (line, column, value, reason); skip_invalid stores the rest', async () => {
    const { secret } = await createToken(t.database.db, world.org.id, { name: 'СЭД', kinds: ['calls'], createdBy: admin })
    const csv =
      'call_id;direction;started_at;ended_at\nA1;in;14.03.2025 10:00;14.03.2025 10:01\nA2;наружу;14.03.2025 10:00;14.03.2025 10:01\nA3;in;14.03.2025 10:05;14.03.2025 10:01\n'
    const refused = await postAndRun(post('calls', secret, csv), 'calls')
    expect(refused.status).toBe(422)
    const body = await refused.json()
    expect(body).toMatchObject({ status: 'rejected', read: 3, stored: 0, inserted: 0, rejected: 3, invalid: 2, rejectionsTotal: 2 })
    expect(body.rejections).toEqual([
      { line: 3, column: 'direction', value: 'наружу', reason: expect.stringContaining('направлени') },
      { line: 4, column: 'ended_at', value: expect.any(String), reason: expect.any(String) },
    ])
    const skipped = await (await postAndRun(post('calls', secret, csv, '?skip_invalid=1'), 'calls')).json()
    expect(skipped).toMatchObject({ status: 'done', read: 3, stored: 1, inserted: 1, rejected: 2 })
  })

  it('refuses tokens: none or a bad one 401, revoked 401, expired 401, another kind 403 — and stores nothing', async () => {
    const { secret, token } = await createToken(t.database.db, world.org.id, { name: 'АТС', kinds: ['calls'], createdBy: admin })
    const answer = async (request: Request, kind = 'visits') => {
      const response = await postImport(request, kind, ctx, { waitMs: 0 })
      return { status: response.status, error: ((await response.json()) as { error: string }).error }
    }
    expect(await answer(post('calls', null, 'x'), 'calls')).toEqual({ status: 401, error: expect.stringMatching(/Authorization: Bearer/) })
    expect(await answer(post('calls', 'sq_wrong', 'x'), 'calls')).toEqual({ status: 401, error: expect.stringMatching(/Токен не найден/) })
    expect(await answer(post('calls', secret.slice(0, -1) + (secret.endsWith('A') ? 'B' : 'A'), 'x'), 'calls')).toMatchObject({ status: 401 })
    expect(await answer(post('visits', secret, file('visits.csv')))).toEqual({
      status: 403,
      error: expect.stringMatching(/не разрешено загружать «.*» \(visits\)/),
    })
    expect(await answer(post('nonsense', secret, 'x'), 'nonsense')).toMatchObject({ status: 404 })
    expect(await answer(post('calls', secret, 'x', '?format=cdr'), 'calls')).toEqual({ status: 400, error: expect.stringMatching(/^Неизвестный формат «cdr»/) })
    expect(await answer(post('calls', secret, 'a=1', '', { 'Content-Type': 'multipart/form-data; boundary=x' }), 'calls')).toMatchObject({ status: 415 })
    // a body over its limit is cut off while it streams, and its partial file removed
    const big = await answer(post('calls', secret, `[${'"x",'.repeat(9 * 1024 * 1024)}"x"]`, '', { 'Content-Type': 'application/json' }), 'calls')
    expect(big).toEqual({ status: 413, error: 'Тело запроса больше 32 МБ (JSON; большие объёмы — файлом CSV).' })
    expect(uploadsLeft()).toEqual([])
    await revokeToken(t.database.db, world.org.id, token.id, 'admin')
    expect(await answer(post('calls', secret, file('calls.csv')), 'calls')).toEqual({ status: 401, error: 'Токен «АТС» отозван администратором.' })
    const old = await createToken(t.database.db, world.org.id, { name: 'Старый', kinds: ['calls'], expiresAt: new Date(Date.now() + 60_000), createdBy: admin })
    await sql`update integration_token set expires_at = now() - interval '1 minute' where id = ${old.token.id}`.execute(t.database.db)
    expect(await answer(post('calls', old.secret, file('calls.csv')), 'calls')).toEqual({ status: 401, error: 'Срок действия токена «Старый» истёк.' })
    expect(await t.database.db.selectFrom('import_batch').select('id').execute()).toEqual([])
    expect(uploadsLeft()).toEqual([])
    expect((await audits('token.refused')).map((a) => a.details.reason)).toEqual(['kind', 'revoked', 'expired'])
  })

  it("a JSON body: an array of records with canonical names; a record's line is its number in the array", async () => {
    const { secret } = await createToken(t.database.db, world.org.id, { name: 'CTI', kinds: ['calls'], createdBy: admin })
    const records = [
      {
        call_id: 'J1',
        direction: 'in',
        line: 'Горячая линия',
        started_at: '2025-03-14T09:00:00+03:00',
        answered_at: '2025-03-14T09:00:10+03:00',
        ended_at: '2025-03-14T09:03:00+03:00',
        callback_required: false,
      },
      { call_id: 'J2', direction: 'in', started_at: '2025-03-14T09:05:00+03:00', answered_at: null, ended_at: '2025-03-14T09:05:40+03:00' },
      { call_id: 'J3', direction: 'sideways', started_at: '2025-03-14T09:06:00+03:00', ended_at: '2025-03-14T09:07:00+03:00' },
    ]
    const request = post('calls', secret, JSON.stringify(records), '?skip_invalid=1', { 'Content-Type': 'application/json' })
    const body = await (await postAndRun(request, 'calls')).json()
    expect(body).toMatchObject({ status: 'done', format: 'json', read: 3, stored: 2, inserted: 2, rejected: 1 })
    expect(body.rejections).toEqual([{ line: 3, column: 'direction', value: 'sideways', reason: expect.any(String) }])
    const calls = await t.database.db.selectFrom('call').select(['call_id', 'answered_at', 'callback_required']).orderBy('call_id').execute()
    expect(calls.map((c) => [c.call_id, c.answered_at?.toISOString() ?? null])).toEqual([
      ['J1', '2025-03-14T06:00:10.000Z'],
      ['J2', null],
    ])
    const bad = await postAndRun(post('calls', secret, '{"call_id": "x"}', '', { 'Content-Type': 'application/json' }), 'calls')
    expect(bad.status).toBe(422)
    expect((await bad.json()).message).toMatch(/массивом записей/)
  })

  it('does not wait past ?wait: 202 with the id, and GET gives the result once the runner has run it', async () => {
    const { secret } = await createToken(t.database.db, world.org.id, { name: 'АТС', kinds: ['calls'], createdBy: admin })
    const response = await postImport(post('calls', secret, file('calls.csv'), '?wait=0'), 'calls', ctx)
    expect(response.status).toBe(202)
    const queued = await response.json()
    expect(queued).toMatchObject({ status: 'queued', read: 0 })
    expect(response.headers.get('location')).toBe(`/api/imports/${queued.id}`)
    expect(uploadsLeft()).toHaveLength(1) // the body waits for its import
    await runNextImport(t.database, root)
    const done = await getImport(get(queued.id, secret), queued.id, ctx)
    expect(done.status).toBe(200)
    expect(await done.json()).toMatchObject({ id: queued.id, status: 'done', read: 4, inserted: 4 })
    expect(uploadsLeft()).toEqual([])
    expect((await getImport(get('999999', secret), '999999', ctx)).status).toBe(404)
  })

  it("a branch-scoped token: rows of other branches (or of no known branch) rejected line by line, others' records not overwritten", async () => {
    await runFileImport(world.target, {
      kind: 'offices',
      path: sample('offices.csv'),
      fileName: 'offices.csv',
      skipInvalid: false,
      source: 'cli',
      createBranches: true,
    })
    // ПОП-02-20250314-001 already stored (Северные ЭС); the token may write «Городские ЭС» only
    await runFileImport(world.target, {
      kind: 'visits',
      path: tmpFile(
        'v.csv',
        'ticket_id,office_code,service_kind,issued_at\nПОП-02-20250314-009,ПОП-02,учет,14.03.2025 10:00\nЦОП-01-20250314-001,ПОП-02,учет,14.03.2025 10:00\n',
      ),
      fileName: 'v.csv',
      skipInvalid: false,
      source: 'cli',
    })
    const { secret } = await createToken(t.database.db, world.org.id, {
      name: 'СЭО Городские',
      kinds: ['visits', 'calls'],
      branches: ['Городские ЭС'],
      createdBy: admin,
    })
    const csv = [
      'ticket_id,office_code,service_kind,issued_at',
      'ЦОП-01-20250314-100,ЦОП-01,учет,14.03.2025 09:00',
      'ПОП-02-20250314-100,ПОП-02,учет,14.03.2025 09:00',
      'X-1,НЕТ-99,учет,14.03.2025 09:00',
      'ЦОП-01-20250314-001,ЦОП-01,учет,14.03.2025 09:00',
    ].join('\n')
    const refused = await postAndRun(post('visits', secret, csv), 'visits')
    expect(refused.status).toBe(422)
    const body = await refused.json()
    expect(body).toMatchObject({ status: 'rejected', read: 4, stored: 0, rejected: 4, invalid: 3 })
    expect(body.rejections).toEqual([
      {
        line: 3,
        column: 'office_code',
        value: 'ПОП-02',
        reason: 'офис «ПОП-02» относится к филиалу «Северные ЭС», а токену «СЭО Городские» разрешены только филиалы: «Городские ЭС»',
      },
      {
        line: 4,
        column: 'office_code',
        value: 'НЕТ-99',
        reason: 'офиса «НЕТ-99» нет в справочнике офисов, и филиал строки не определить, а токену «СЭО Городские» разрешены только филиалы: «Городские ЭС»',
      },
      {
        line: 5,
        column: 'ticket_id',
        value: 'ЦОП-01-20250314-001',
        reason: 'номер талона «ЦОП-01-20250314-001» уже сохранён и относится к филиалу «Северные ЭС»: токен «СЭО Городские» не может изменить эту запись',
      },
    ])
    const skipped = await (await postAndRun(post('visits', secret, csv, '?skip_invalid=1'), 'visits')).json()
    expect(skipped).toMatchObject({ status: 'done', read: 4, stored: 1, inserted: 1, rejected: 3 })
    const kept = await t.database.db.selectFrom('visit').select('office_code').where('ticket_id', '=', 'ЦОП-01-20250314-001').executeTakeFirstOrThrow()
    expect(kept.office_code).toBe('ПОП-02')
    // a queue_log is not split by branch: refused as a whole
    const log = await postAndRun(post('calls', secret, file('queue_log.1')), 'calls')
    expect(log.status).toBe(422)
    expect((await log.json()).message).toMatch(/^Токен «СЭО Городские» загружает строки только своих филиалов/)
  })

  it('?format= forces a format the pipeline reads (ADR 018 names); a queue_log forced on a CSV is refused in Russian', async () => {
    const { secret } = await createToken(t.database.db, world.org.id, { name: 'АТС', kinds: ['calls'], createdBy: admin })
    const unknown = await postImport(post('calls', secret, file('calls.csv'), '?format=xlsx'), 'calls', ctx, { waitMs: 0 })
    expect(unknown.status).toBe(400)
    expect((await unknown.json()).error).toMatch(/^Неизвестный формат «xlsx»\. Допустимы: .*queue_log.*asterisk_cdr.*json/)
    const forced = await postAndRun(post('calls', secret, file('calls.csv'), '?format=queue_log'), 'calls')
    expect(forced.status).toBe(422)
    expect((await forced.json()).message).toMatch(/^Выбран формат «Asterisk queue_log», но файл не похож на журнал queue_log/)
    const csv = await (await postAndRun(post('calls', secret, file('calls.csv'), '?format=canonical'), 'calls')).json()
    expect(csv).toMatchObject({ status: 'done', format: 'csv', read: 4 })
  })
})
