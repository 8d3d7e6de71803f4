/**
 * Surveys and how they reach consumers (ADR 012): the survey definitions, single-use personal links (alone
 * or in batches for the appeals closed in a period), one QR link per office, and storing a response — once
 * per single-use link, which the database enforces (`survey_response_once`), also when two submissions race.
 */
import { randomBytes } from 'node:crypto'
import { sql } from 'kysely'
import type { Db } from '#db/client.server.ts'
import { inTransaction } from '#db/transaction.server.ts'
import { type Scope, inScope } from '#db/scope.server.ts'
import { type KeysetPosition, afterPosition, keysetPages } from '#db/keyset.server.ts'
import { dayText, localDayOf } from '#reports/time/days.ts'
import { periodOf } from '#reports/metrics/period.ts'
import {
  type Answer,
  type BatchLink,
  MAX_BATCH,
  type RecordKind,
  type SubjectKind,
  type Survey,
  type SurveyDefinition,
  questionSchema,
} from '#reports/surveys/questions.ts'
import { InputError } from '#reports/errors.ts'

/** A stored survey: its definition (the builder's fields), its number and organisation. */
/** Who makes links: they reach only the records and offices of the branches they may see. */
export interface Actor {
  id: string | null
  scope: Scope
}

export type { BatchLink, Survey } from '#reports/surveys/questions.ts'

/** What a response evaluates: copied from the record a link is tied to, else from the survey's subject. */
export interface Dimensions {
  branchId: string | null
  officeCode: string | null
  form: string | null
  topic: string | null
  consumerType: string | null
  appealId: string | null
  callId: string | null
  visitId: string | null
}

function toSurvey(r: {
  id: string
  org_id: string
  title: string
  intro: string | null
  subject_kind: SubjectKind
  subject_code: string | null
  opens_on: string
  closes_on: string | null
  questions: unknown
}): Survey {
  return {
    id: r.id,
    orgId: r.org_id,
    title: r.title,
    intro: r.intro,
    subjectKind: r.subject_kind,
    subjectCode: r.subject_code,
    opensOn: r.opens_on,
    closesOn: r.closes_on,
    questions: questionSchema.array().parse(r.questions),
  }
}

/** A survey's columns from `survey as s`; dates as text (pg would turn a `date` into midnight of the process zone). */
const SURVEY_COLUMNS = [
  's.id',
  's.org_id',
  's.title',
  's.intro',
  's.subject_kind',
  's.subject_code',
  's.questions',
  sql<string>`to_char(s.opens_on, 'YYYY-MM-DD')`.as('opens_on'),
  sql<string | null>`to_char(s.closes_on, 'YYYY-MM-DD')`.as('closes_on'),
] as const

export async function getSurvey(db: Db, orgId: string, surveyId: string): Promise<Survey | undefined> {
  if (!/^\d{1,18}$/.test(surveyId)) return undefined
  const row = await db.selectFrom('survey as s').select(SURVEY_COLUMNS).where('s.org_id', '=', orgId).where('s.id', '=', surveyId).executeTakeFirst()
  return row ? toSurvey(row) : undefined
}

/** A survey for a page, or a 404 the route throws. */
export async function requireSurvey(db: Db, orgId: string, surveyId: string | undefined): Promise<Survey> {
  const survey = await getSurvey(db, orgId, surveyId ?? '')
  if (!survey) throw new Response('Такого опроса нет.', { status: 404 })
  return survey
}

export type SurveyState = 'planned' | 'open' | 'closed'

/** Open from the first to the last local day inclusive. */
export function surveyState(survey: Pick<Survey, 'opensOn' | 'closesOn'>, now: Date, zone: string): SurveyState {
  const today = dayText(localDayOf(now, zone))
  if (today < survey.opensOn) return 'planned'
  if (survey.closesOn && today > survey.closesOn) return 'closed'
  return 'open'
}

export const STATE_LABELS: Record<SurveyState, string> = { planned: 'ещё не начат', open: 'идёт', closed: 'завершён' }

/** The organisation's surveys with their responses and personal links — of the branches the user may see. */
export async function listSurveys(db: Db, scope: Scope) {
  const rows = await db
    .selectFrom('survey as s')
    .select([...SURVEY_COLUMNS, 's.created_at'])
    .select((eb) => [
      eb
        .selectFrom('survey_response as r')
        .select(eb.fn.countAll<string>().as('n'))
        .whereRef('r.survey_id', '=', 's.id')
        .where(({ ref }) => inScope(ref('r.org_id'), ref('r.branch_id'), scope))
        .as('responses'),
      eb
        .selectFrom('survey_invitation as i')
        .select(eb.fn.countAll<string>().as('n'))
        .whereRef('i.survey_id', '=', 's.id')
        .where('i.single_use', '=', true)
        .where(({ ref }) => inScope(ref('i.org_id'), ref('i.branch_id'), scope))
        .as('invitations'),
    ])
    .where('s.org_id', '=', scope.orgId)
    .orderBy('s.opens_on', 'desc')
    .orderBy('s.id', 'desc')
    .execute()
  return rows.map((r) => ({ ...toSurvey(r), responses: Number(r.responses ?? 0), invitations: Number(r.invitations ?? 0) }))
}

export async function responseCount(db: Db, surveyId: string): Promise<number> {
  const row = await db
    .selectFrom('survey_response')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('survey_id', '=', surveyId)
    .executeTakeFirst()
  return Number(row?.n ?? 0)
}

async function checkSubject(db: Db, orgId: string, d: SurveyDefinition): Promise<void> {
  if (d.subjectKind !== 'office') return
  const office = await db.selectFrom('office').select('id').where('org_id', '=', orgId).where('office_code', '=', d.subjectCode!).executeTakeFirst()
  if (!office) throw new InputError(`Что оценивает опрос: нет офиса с кодом «${d.subjectCode}».`)
}

/**
 * Creates a survey or changes one. Once a survey has answers its questions are fixed (the answers refer to
 * them): the title, the introduction and the period can still change.
 */
export async function saveSurvey(db: Db, orgId: string, userId: string | null, surveyId: string | null, d: SurveyDefinition): Promise<string> {
  await checkSubject(db, orgId, d)
  const values = {
    title: d.title,
    intro: d.intro,
    subject_kind: d.subjectKind,
    subject_code: d.subjectCode,
    opens_on: d.opensOn,
    closes_on: d.closesOn,
    questions: JSON.stringify(d.questions),
  }
  if (surveyId === null) {
    const row = await db
      .insertInto('survey')
      .values({ ...values, org_id: orgId, created_by: userId })
      .returning('id')
      .executeTakeFirstOrThrow()
    return row.id
  }
  const existing = await getSurvey(db, orgId, surveyId)
  if (!existing) throw new InputError('Такого опроса нет.')
  const answered = await responseCount(db, surveyId)
  if (answered > 0) {
    const same = JSON.stringify(existing.questions) === JSON.stringify(d.questions)
    if (!same)
      throw new InputError(
        `Вопросы изменить нельзя: по опросу получено анкет — ${answered}, ответы относятся к этим вопросам. Создайте копию опроса («Копировать опрос») и измените вопросы в ней.`,
      )
    if (existing.subjectKind !== d.subjectKind || existing.subjectCode !== d.subjectCode)
      throw new InputError(`Предмет опроса изменить нельзя: по опросу получено анкет — ${answered}.`)
  }
  await db
    .updateTable('survey')
    .set({ ...values, updated_at: new Date() })
    .where('org_id', '=', orgId)
    .where('id', '=', surveyId)
    .execute()
  return surveyId
}

// ---------------------------------------------------------------------------------------------- links

/** 128 random bits, URL-safe: a link cannot be guessed from another. */
export function newToken(): string {
  return randomBytes(16).toString('base64url')
}

const TOKEN = /^[A-Za-z0-9_-]{16,64}$/

/** The dimensions a survey's subject gives (an office's branch comes from the office). */
async function subjectDimensions(db: Db, survey: Survey): Promise<Dimensions> {
  const none: Dimensions = { branchId: null, officeCode: null, form: null, topic: null, consumerType: null, appealId: null, callId: null, visitId: null }
  switch (survey.subjectKind) {
    case 'office': {
      const office = await db
        .selectFrom('office')
        .select(['branch_id'])
        .where('org_id', '=', survey.orgId)
        .where('office_code', '=', survey.subjectCode!)
        .executeTakeFirst()
      return { ...none, officeCode: survey.subjectCode, form: 'in_person', branchId: office?.branch_id ?? null }
    }
    case 'form':
      return { ...none, form: survey.subjectCode }
    case 'topic':
      return { ...none, topic: survey.subjectCode }
    default:
      return none
  }
}

/**
 * The dimensions of an appeal, a call or a visit found by its number in the logs — among the records of the
 * branches the user may see; an error names what was not found (a record of another branch is «not found»).
 */
export async function recordDimensions(db: Db, survey: Survey, kind: RecordKind, number: string, scope: Scope): Promise<Dimensions> {
  const base = await subjectDimensions(db, survey)
  const key = number.trim()
  if (kind === 'appeal') {
    const a = await db
      .selectFrom('appeal')
      .select(['id', 'branch_id', 'office_code', 'form', 'topic', 'consumer_type'])
      .where('reg_number', '=', key)
      .where(({ ref }) => inScope(ref('org_id'), ref('branch_id'), scope))
      .where('org_id', '=', survey.orgId)
      .executeTakeFirst()
    if (!a) throw new InputError(`Обращения с номером «${key}» нет в журнале.`)
    return {
      ...base,
      branchId: a.branch_id,
      officeCode: a.office_code ?? base.officeCode,
      form: a.form,
      topic: a.topic,
      consumerType: a.consumer_type,
      appealId: a.id,
    }
  }
  if (kind === 'call') {
    const c = await db
      .selectFrom('call')
      .select(['id', 'branch_id'])
      .where('call_id', '=', key)
      .where(({ ref }) => inScope(ref('org_id'), ref('branch_id'), scope))
      .where('org_id', '=', survey.orgId)
      .executeTakeFirst()
    if (!c) throw new InputError(`Звонка с ID «${key}» нет в журнале.`)
    return { ...base, branchId: c.branch_id ?? base.branchId, form: 'phone', callId: c.id }
  }
  const v = await db
    .selectFrom('visit')
    .select(['id', 'branch_id', 'office_code', 'consumer_type'])
    .where('ticket_id', '=', key)
    .where(({ ref }) => inScope(ref('org_id'), ref('branch_id'), scope))
    .where('org_id', '=', survey.orgId)
    .executeTakeFirst()
  if (!v) throw new InputError(`Посещения с талоном «${key}» нет в журнале.`)
  return { ...base, branchId: v.branch_id, officeCode: v.office_code, form: 'in_person', consumerType: v.consumer_type, visitId: v.id }
}

const dimensionColumns = (d: Dimensions) => ({
  branch_id: d.branchId,
  office_code: d.officeCode,
  form: d.form,
  topic: d.topic,
  consumer_type: d.consumerType,
  appeal_id: d.appealId,
  call_id: d.callId,
  visit_id: d.visitId,
})

export interface LinkInput {
  delivery: 'sms' | 'email' | 'phone' | 'other'
  record?: { kind: RecordKind; number: string }
  /** days the link stays valid (the survey's end still applies) */
  validDays: number
}

/** One single-use link, tied to an appeal, a call or a visit when one is given. */
export async function createLink(db: Db, survey: Survey, input: LinkInput, actor: Actor, now = new Date()): Promise<string> {
  const dims = input.record ? await recordDimensions(db, survey, input.record.kind, input.record.number, actor.scope) : await subjectDimensions(db, survey)
  const token = newToken()
  await db
    .insertInto('survey_invitation')
    .values({
      org_id: survey.orgId,
      survey_id: survey.id,
      token,
      single_use: true,
      delivery: input.delivery,
      branch_id: dims.branchId,
      office_code: dims.officeCode,
      form: dims.form,
      topic: dims.topic,
      consumer_type: dims.consumerType,
      appeal_id: dims.appealId,
      call_id: dims.callId,
      visit_id: dims.visitId,
      expires_at: new Date(now.getTime() + input.validDays * 86_400_000),
      created_by: actor.id,
      created_at: now,
    })
    .execute()
  return token
}

/** The QR link of every office the user may see (created on first request): many consumers answer through one code in the hall. */
export async function officeLinks(
  db: Db,
  survey: Survey,
  actor: Actor,
): Promise<{ officeCode: string; name: string; address: string | null; token: string }[]> {
  const offices = await db
    .selectFrom('office')
    .select(['office_code', 'name', 'address', 'branch_id'])
    .where('org_id', '=', survey.orgId)
    .where(({ ref }) => inScope(ref('org_id'), ref('branch_id'), actor.scope))
    .$if(survey.subjectKind === 'office', (q) => q.where('office_code', '=', survey.subjectCode!))
    .orderBy('name')
    .execute()
  if (offices.length === 0) return []
  await db
    .insertInto('survey_invitation')
    .values(
      offices.map((o) => ({
        org_id: survey.orgId,
        survey_id: survey.id,
        token: newToken(),
        single_use: false,
        delivery: 'qr' as const,
        branch_id: o.branch_id,
        office_code: o.office_code,
        form: 'in_person',
        topic: survey.subjectKind === 'topic' ? survey.subjectCode : null,
        created_by: actor.id,
      })),
    )
    .onConflict((oc) => oc.columns(['survey_id', 'office_code']).where('delivery', '=', 'qr').doNothing())
    .execute()
  const tokens = await db
    .selectFrom('survey_invitation')
    .select(['office_code', 'token'])
    .where('survey_id', '=', survey.id)
    .where('delivery', '=', 'qr')
    .execute()
  const byOffice = new Map(tokens.map((t) => [t.office_code, t.token]))
  return offices.map((o) => ({ officeCode: o.office_code, name: o.name, address: o.address, token: byOffice.get(o.office_code)! }))
}

// ---------------------------------------------------------------------------------------------- batches

export interface BatchInput {
  closedFrom: string
  closedTo: string
  size: number
  delivery: 'sms' | 'email' | 'phone' | 'other'
  validDays: number
}

/**
 * A batch of single-use links for a random sample of the appeals answered (closed) in the local days
 * `closedFrom`–`closedTo`: of the survey's subject, with the contact the delivery needs (a phone for SMS and
 * phone surveys, an e-mail for e-mail), and not invited to this survey before. Fewer links than asked when
 * fewer appeals qualify; the batch records both numbers. Only the appeals of the branches the user may see.
 */
export async function createBatch(db: Db, survey: Survey, zone: string, input: BatchInput, user: Actor & { name: string }, now = new Date()) {
  if (input.closedTo < input.closedFrom) throw new InputError('Период закрытия: конец раньше начала.', 'closedTo')
  if (!Number.isInteger(input.size) || input.size < 1 || input.size > MAX_BATCH)
    throw new InputError(`Размер выборки — целое число от 1 до ${MAX_BATCH.toLocaleString('ru-RU')}.`, 'size')
  const period = periodOf(input.closedFrom, input.closedTo, zone)
  const subject =
    survey.subjectKind === 'office'
      ? sql`and a.office_code = ${survey.subjectCode}`
      : survey.subjectKind === 'form'
        ? sql`and a.form = ${survey.subjectCode}`
        : survey.subjectKind === 'topic'
          ? sql`and a.topic = ${survey.subjectCode}`
          : sql``
  const contact = input.delivery === 'email' ? sql`and coalesce(a.email, '') <> ''` : input.delivery === 'other' ? sql`` : sql`and coalesce(a.phone, '') <> ''`
  const eligibleWhere = sql`a.org_id = ${survey.orgId} and ${inScope(sql.ref('a.org_id'), sql.ref('a.branch_id'), user.scope)} and a.answered_at >= ${period.start} and a.answered_at < ${period.end} ${subject} ${contact}
    and not exists (select 1 from survey_invitation i where i.survey_id = ${survey.id} and i.appeal_id = a.id)`
  const expiresAt = new Date(now.getTime() + input.validDays * 86_400_000)
  return inTransaction(db, async (trx) => {
    const eligible = Number((await sql<{ n: string }>`select count(*) as n from appeal a where ${eligibleWhere}`.execute(trx)).rows[0]?.n ?? 0)
    const batch = await trx
      .insertInto('survey_batch')
      .values({
        org_id: survey.orgId,
        survey_id: survey.id,
        delivery: input.delivery,
        closed_from: input.closedFrom,
        closed_to: input.closedTo,
        requested: input.size,
        eligible,
        created: Math.min(eligible, input.size),
        expires_at: expiresAt,
        created_by: user.id,
        created_by_name: user.name,
        created_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const picked = await sql<{ id: string; branch_id: string | null; office_code: string | null; form: string; topic: string; consumer_type: string | null }>`
      select a.id, a.branch_id, a.office_code, a.form, a.topic, a.consumer_type from appeal a where ${eligibleWhere}
      order by random() limit ${input.size}`.execute(trx)
    for (let i = 0; i < picked.rows.length; i += 1000) {
      await trx
        .insertInto('survey_invitation')
        .values(
          picked.rows.slice(i, i + 1000).map((a) => ({
            org_id: survey.orgId,
            survey_id: survey.id,
            token: newToken(),
            single_use: true,
            delivery: input.delivery,
            batch_id: batch.id,
            appeal_id: a.id,
            branch_id: a.branch_id,
            office_code: a.office_code,
            form: a.form,
            topic: a.topic,
            consumer_type: a.consumer_type,
            expires_at: expiresAt,
            created_by: user.id,
            created_at: now,
          })),
        )
        .execute()
    }
    return { id: batch.id, eligible, created: picked.rows.length }
  })
}

export async function listBatches(db: Db, surveyId: string) {
  return db
    .selectFrom('survey_batch as b')
    .select(['b.id', 'b.delivery', 'b.requested', 'b.eligible', 'b.created', 'b.expires_at', 'b.created_by_name', 'b.created_at'])
    .select([sql<string>`to_char(b.closed_from, 'DD.MM.YYYY')`.as('closed_from'), sql<string>`to_char(b.closed_to, 'DD.MM.YYYY')`.as('closed_to')])
    .select((eb) =>
      eb
        .selectFrom('survey_invitation as i')
        .innerJoin('survey_response as r', 'r.invitation_id', 'i.id')
        .select(eb.fn.countAll<string>().as('n'))
        .whereRef('i.batch_id', '=', 'b.id')
        .as('answered'),
    )
    .where('b.survey_id', '=', surveyId)
    .orderBy('b.created_at', 'desc')
    .execute()
}

// ---------------------------------------------------------------------------------------------- answering

export type LinkState =
  | { state: 'ok'; survey: Survey; invitation: { id: string; singleUse: boolean; delivery: string; dims: Dimensions }; orgName: string }
  | { state: 'unknown' | 'used' | 'expired' | 'planned' | 'closed'; survey?: Survey; orgName?: string }

/** What a public link leads to now: the survey to answer, or why not (polite words are the page's). */
export async function resolveLink(db: Db, token: string, now = new Date()): Promise<LinkState> {
  if (!TOKEN.test(token)) return { state: 'unknown' }
  const row = await db
    .selectFrom('survey_invitation as i')
    .innerJoin('survey as s', 's.id', 'i.survey_id')
    .innerJoin('organisation as o', 'o.id', 'i.org_id')
    .select(SURVEY_COLUMNS)
    .select([
      'i.id as invitation_id',
      'i.single_use',
      'i.delivery',
      'i.expires_at',
      'i.branch_id',
      'i.office_code',
      'i.form',
      'i.topic',
      'i.consumer_type',
      'i.appeal_id',
      'i.call_id',
      'i.visit_id',
      'o.name as org_name',
      'o.time_zone',
    ])
    .select((eb) => eb.exists(eb.selectFrom('survey_response as r').select('r.id').whereRef('r.invitation_id', '=', 'i.id')).as('answered'))
    .where('i.token', '=', token)
    .executeTakeFirst()
  if (!row) return { state: 'unknown' }
  const survey = toSurvey(row)
  const orgName = row.org_name
  if (row.single_use && row.answered) return { state: 'used', survey, orgName }
  const state = surveyState(survey, now, row.time_zone)
  if (state !== 'open') return { state, survey, orgName }
  if (row.expires_at && row.expires_at.getTime() <= now.getTime()) return { state: 'expired', survey, orgName }
  return {
    state: 'ok',
    survey,
    orgName,
    invitation: {
      id: row.invitation_id,
      singleUse: row.single_use,
      delivery: row.delivery,
      dims: {
        branchId: row.branch_id,
        officeCode: row.office_code,
        form: row.form,
        topic: row.topic,
        consumerType: row.consumer_type,
        appealId: row.appeal_id,
        callId: row.call_id,
        visitId: row.visit_id,
      },
    },
  }
}

export interface ResponseInput {
  survey: Survey
  /** null for a phone survey not made from a link */
  invitation: { id: string; singleUse: boolean } | null
  collectedBy: 'link' | 'qr' | 'phone'
  dims: Dimensions
  answers: readonly Answer[]
  enteredBy?: string | null
  submittedAt?: Date
}

const UNIQUE_VIOLATION = '23505'

/**
 * Stores a response with its answers in one transaction. `used` when the single-use link already has a
 * response — found by the database's unique index, so of two racing submissions exactly one is stored.
 */
export async function storeResponse(db: Db, input: ResponseInput): Promise<{ stored: true; id: string } | { stored: false; reason: 'used' }> {
  if (input.answers.length === 0) throw new InputError('Анкета пуста: ответьте хотя бы на один вопрос.')
  const insert = async (trx: Db) => {
    const row = await trx
      .insertInto('survey_response')
      .values({
        org_id: input.survey.orgId,
        survey_id: input.survey.id,
        invitation_id: input.invitation?.id ?? null,
        single_use: input.invitation?.singleUse ?? false,
        collected_by: input.collectedBy,
        ...dimensionColumns(input.dims),
        entered_by: input.enteredBy ?? null,
        ...(input.submittedAt ? { submitted_at: input.submittedAt } : {}),
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await trx
      .insertInto('survey_answer')
      .values(input.answers.map((a) => ({ response_id: row.id, question_id: a.questionId, kind: a.kind, score: a.score, choices: a.choices, text: a.text })))
      .execute()
    return row.id
  }
  const used = (error: unknown) =>
    (error as { code?: string }).code === UNIQUE_VIOLATION &&
    String((error as { constraint?: string }).constraint ?? (error as Error).message).includes('survey_response_once')
  if (!db.isTransaction) {
    try {
      return { stored: true, id: await db.transaction().execute(insert) }
    } catch (error) {
      if (used(error)) return { stored: false, reason: 'used' }
      throw error
    }
  }
  // inside a command's transaction (ADR 025): a savepoint, so that the refused insert of a used link is
  // undone alone and the command's transaction goes on (PostgreSQL aborts a transaction on any error)
  await sql`savepoint store_response`.execute(db)
  try {
    const id = await insert(db)
    await sql`release savepoint store_response`.execute(db)
    return { stored: true, id }
  } catch (error) {
    await sql`rollback to savepoint store_response`.execute(db)
    if (used(error)) return { stored: false, reason: 'used' }
    throw error
  }
}

/** The unused phone-survey link of an appeal for this survey, so a phone answer counts against the batch it was sent in. */
export async function phoneLinkOf(db: Db, survey: Survey, appealId: string): Promise<{ id: string; singleUse: boolean } | null> {
  const row = await db
    .selectFrom('survey_invitation as i')
    .select('i.id')
    .where('i.survey_id', '=', survey.id)
    .where('i.appeal_id', '=', appealId)
    .where('i.single_use', '=', true)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('survey_response as r').select('r.id').whereRef('r.invitation_id', '=', 'i.id'))))
    .orderBy('i.id')
    .executeTakeFirst()
  return row ? { id: row.id, singleUse: true } : null
}

/** The links of a batch with the appeal each was made for — of the branches the user may see — in keyset pages (a file of any size). */
export function batchLinks(db: Db, surveyId: string, batchId: string, scope: Scope, pageSize = 5000): AsyncGenerator<BatchLink[]> {
  const fetch = async (after: KeysetPosition | undefined) => {
    const rows = await sql<{
      id: string
      token: string
      created_at: Date
      expires_at: Date | null
      answered: boolean
      reg_number: string | null
      answered_at: Date | null
      form: string | null
      office_code: string | null
      topic: string | null
      applicant_name: string | null
      phone: string | null
      email: string | null
    }>`
      select r.id, r.token, r.created_at, r.expires_at, exists (select 1 from survey_response x where x.invitation_id = r.id) as answered,
        a.reg_number, a.answered_at, r.form, r.office_code, r.topic, a.applicant_name, a.phone, a.email
      from survey_invitation r left join appeal a on a.id = r.appeal_id
      where r.survey_id = ${surveyId} and r.batch_id = ${batchId} and ${inScope(sql.ref('r.org_id'), sql.ref('r.branch_id'), scope)} ${afterPosition(sql.ref('r.created_at'), after)}
      order by r.created_at, r.id limit ${pageSize}`.execute(db)
    return rows.rows.map((r) => ({
      id: r.id,
      token: r.token,
      createdAt: r.created_at,
      expiresAt: r.expires_at,
      answered: r.answered,
      regNumber: r.reg_number,
      answeredAt: r.answered_at,
      form: r.form,
      officeCode: r.office_code,
      topic: r.topic,
      name: r.applicant_name,
      phone: r.phone,
      email: r.email,
    }))
  }
  return keysetPages(fetch, (r) => ({ at: r.createdAt, id: r.id }), pageSize)
}

export async function getBatch(db: Db, surveyId: string, batchId: string | undefined) {
  if (!/^\d{1,18}$/.test(batchId ?? '')) return undefined
  return db
    .selectFrom('survey_batch')
    .select([
      'id',
      'delivery',
      'created',
      'created_by_name',
      'created_at',
      sql<string>`to_char(closed_from, 'DD.MM.YYYY')`.as('closed_from'),
      sql<string>`to_char(closed_to, 'DD.MM.YYYY')`.as('closed_to'),
    ])
    .where('survey_id', '=', surveyId)
    .where('id', '=', batchId!)
    .executeTakeFirst()
}
