/**
 * The import API (ADR 017): `POST /api/imports/<kind>` with `Authorization: Bearer <secret>` and the file
 * as the body (or a JSON array of records), `GET /api/imports/<id>`. No cookies, sessions or CSRF: the
 * token is the only credential. The body is streamed to a folder of its own in the uploads folder (removed
 * on every path) and queued as an import job like a web upload; the POST waits for its end up to `?wait=`
 * seconds (20 by default, 60 at most), else answers 202 with the id to ask for.
 */
import fs from 'node:fs'
import fsp from 'node:fs/promises'
import path from 'node:path'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { sql } from 'kysely'
import type { Database } from '#db/client.server.ts'
import type { Organisation } from '#db/schema.ts'
import { enqueueImport, makeUploadDir, uploadRoot } from '#app/imports/jobs.server.ts'
import { IMPORT_KINDS, type ImportKind, PERSONAL_COLUMNS } from '#app/imports/kinds.ts'
import { forceableFormats } from '#app/imports/pipeline.server.ts'
import { MAX_JSON_BYTES } from '#app/imports/read-json.server.ts'
import { MAX_UPLOAD_BYTES } from '#app/imports/upload.server.ts'
import { recordAudit } from '#app/models/audit.server.ts'
import { maskPersonal } from '#app/utils/access.ts'
import { importKind, labelOf } from '#reports/vocabulary.ts'
import { type IntegrationToken, apiSourceLabel, authenticateToken } from './tokens.server.ts'

export interface ApiContext {
  database: Database
  org: Organisation
  ip: string | null
  /** the uploads folder (tests pass their own) */
  root?: string
}

/** Itemised rejections in an answer; the rest are counted (`rejectionsTotal`). */
export const API_REJECTIONS = 1000
export const DEFAULT_WAIT_SECONDS = 20
export const MAX_WAIT_SECONDS = 60

export interface ApiImport {
  id: string
  kind: ImportKind
  status: 'queued' | 'running' | 'done' | 'rejected' | 'failed' | 'interrupted'
  fileName: string
  format: string | null
  read: number
  stored: number
  inserted: number
  updated: number
  unchanged: number
  /** queue_log calls waiting for their end in a later file (part of `stored`) */
  pending: number
  rejected: number
  /** rows with at least one error */
  invalid: number
  rejections: { line: number | null; column: string | null; value: string | null; reason: string }[]
  /** itemised rejections in all (the answer lists the first 1 000) */
  rejectionsTotal: number
  message: string | null
  startedAt: string
  finishedAt: string | null
}

const json = (body: unknown, status: number, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...headers } })
const error = (status: number, message: string, headers: Record<string, string> = {}) => json({ error: message }, status, headers)

/** The HTTP status of an import's answer: 200 stored, 422 refused, 202 not finished, 500 failed. */
export function httpStatusOf(status: ApiImport['status']): number {
  return status === 'done' ? 200 : status === 'rejected' ? 422 : status === 'queued' || status === 'running' ? 202 : 500
}

/**
 * The API's JSON of an import, from what is stored (so a background import reads the same later, and the
 * watched folder's `.report.json` is the same). Values of personal-data columns are masked (ADR 008).
 */
export async function apiImportOf(database: Database, orgId: string, batchId: string): Promise<ApiImport | undefined> {
  const b = await database.db.selectFrom('import_batch').selectAll().where('org_id', '=', orgId).where('id', '=', batchId).executeTakeFirst()
  if (!b) return undefined
  const [rejections, total] = await Promise.all([
    database.db
      .selectFrom('import_rejection')
      .select(['line', 'column_name as column', 'value', 'reason'])
      .where('batch_id', '=', batchId)
      .orderBy('seq')
      .limit(API_REJECTIONS)
      .execute(),
    database.db
      .selectFrom('import_rejection')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('batch_id', '=', batchId)
      .executeTakeFirstOrThrow(),
  ])
  return {
    id: String(b.id),
    kind: b.kind,
    status: b.status,
    fileName: b.file_name,
    format: b.format,
    read: b.rows_read,
    stored: b.rows_inserted + b.rows_updated + b.rows_unchanged + b.rows_pending,
    inserted: b.rows_inserted,
    updated: b.rows_updated,
    unchanged: b.rows_unchanged,
    pending: b.rows_pending,
    rejected: b.rows_rejected,
    invalid: b.rows_invalid,
    rejections: rejections.map((r) => ({ ...r, value: r.column !== null && PERSONAL_COLUMNS.has(r.column) && r.value ? maskPersonal(r.value) : r.value })),
    rejectionsTotal: Number(total.n),
    message: b.status === 'queued' ? 'Загрузка в очереди.' : b.status === 'running' ? 'Загрузка выполняется.' : b.message,
    startedAt: b.started_at.toISOString(),
    finishedAt: b.finished_at ? b.finished_at.toISOString() : null,
  }
}

async function authenticate(request: Request, ctx: ApiContext): Promise<{ token: IntegrationToken } | { response: Response }> {
  const check = await authenticateToken(ctx.database.db, request.headers.get('Authorization'))
  if (check.ok) return { token: check.token }
  // a revoked or expired token is someone's system still knocking: the administrator should see it; an
  // unknown secret cannot be attributed to anyone (and cannot be guessed: 256 bits), so it is not recorded
  if (check.token) {
    await recordAudit(ctx.database.db, {
      orgId: check.token.orgId,
      actor: apiSourceLabel(check.token.name),
      action: 'token.refused',
      object: `токен №${check.token.id}`,
      details: { reason: check.reason, method: request.method, path: new URL(request.url).pathname },
      ip: ctx.ip,
    })
  }
  return { response: error(401, check.message, { 'WWW-Authenticate': 'Bearer realm="service-quality"' }) }
}

const TRUE = new Set(['1', 'true', 'yes', 'да', 'on'])

/**
 * A multipart form is never the file itself. (`application/x-www-form-urlencoded` is what `curl --data-binary`
 * sends when no type is given: such a body is read as the file it is.)
 */
const FORM_TYPES = /^multipart\/form-data/i

class TooLarge extends Error {}

export async function postImport(request: Request, kindParam: string, ctx: ApiContext, options: { waitMs?: number } = {}): Promise<Response> {
  const auth = await authenticate(request, ctx)
  if ('response' in auth) return auth.response
  const { token } = auth
  if (token.orgId !== String(ctx.org.id)) return error(401, 'Токен выдан другой организации.')
  if (!IMPORT_KINDS.includes(kindParam as ImportKind)) {
    return error(404, `Неизвестный вид данных «${kindParam}». Допустимы: ${IMPORT_KINDS.join(', ')}.`)
  }
  const kind = kindParam as ImportKind
  const url = new URL(request.url)
  const refuse = async (status: number, message: string, reason: string) => {
    await recordAudit(ctx.database.db, {
      orgId: token.orgId,
      actor: apiSourceLabel(token.name),
      action: 'token.refused',
      object: `токен №${token.id}`,
      details: { reason, method: 'POST', kind },
      ip: ctx.ip,
    })
    return error(status, message)
  }
  if (!token.kinds.includes(kind)) {
    return refuse(403, `Токену «${token.name}» не разрешено загружать «${labelOf(importKind, kind)}» (${kind}). Разрешено: ${token.kinds.join(', ')}.`, 'kind')
  }
  const type = request.headers.get('Content-Type') ?? ''
  if (FORM_TYPES.test(type)) {
    return error(415, 'Тело запроса — сам файл (CSV, XLSX, queue_log…) или JSON-массив записей, а не веб-форма multipart/form-data.')
  }
  const isJson = /^application\/json/i.test(type)
  const formatParam = url.searchParams.get('format')
  let format: string | undefined = isJson ? 'json' : undefined
  if (formatParam !== null && formatParam !== '') {
    if (!forceableFormats().includes(formatParam)) {
      return error(400, `Неизвестный формат «${formatParam}». Допустимы: ${forceableFormats().join(', ')}.`)
    }
    if (isJson && formatParam !== 'json') return error(400, `Тело в формате JSON (Content-Type: application/json), а указан формат «${formatParam}».`)
    format = formatParam
  }
  // a saved column mapping of the organisation (ADR 018); an unknown name is refused by the import, in Russian
  const mapping = (url.searchParams.get('mapping') ?? '').trim() || undefined
  if (mapping && format) return error(400, 'Укажите что-то одно: format или mapping.')
  const waitParam = url.searchParams.get('wait')
  const waitSeconds = waitParam === null || waitParam === '' ? DEFAULT_WAIT_SECONDS : Number(waitParam)
  if (!Number.isInteger(waitSeconds) || waitSeconds < 0 || waitSeconds > MAX_WAIT_SECONDS) {
    return error(400, `Параметр wait — целое число секунд от 0 до ${MAX_WAIT_SECONDS}.`)
  }
  const skipInvalid = TRUE.has((url.searchParams.get('skip_invalid') ?? '').toLowerCase())
  const limit = format === 'json' ? MAX_JSON_BYTES : MAX_UPLOAD_BYTES
  const limitText = format === 'json' ? `${MAX_JSON_BYTES / 1024 / 1024} МБ (JSON; большие объёмы — файлом CSV)` : `${MAX_UPLOAD_BYTES / 1024 ** 3} ГБ`
  const declared = Number(request.headers.get('Content-Length') ?? NaN)
  if (declared > limit) return error(413, `Тело запроса больше ${limitText}.`)
  const named = (url.searchParams.get('name') ?? '')
    .replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069/\\]/g, '')
    .trim()
    .slice(0, 255)
  const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')
  const fileName = named || `api-${kind}-${stamp}.${format === 'json' ? 'json' : 'dat'}`

  const dir = await makeUploadDir(ctx.root ?? uploadRoot())
  let queued = false
  let batchId: string
  try {
    const file = path.join(dir, 'upload.bin')
    let size = 0
    try {
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          size += chunk.length
          callback(size > limit ? new TooLarge() : null, chunk)
        },
      })
      const body = request.body ? Readable.fromWeb(request.body as import('node:stream/web').ReadableStream) : Readable.from([])
      await pipeline(body, counter, fs.createWriteStream(file))
    } catch (e) {
      if (e instanceof TooLarge) return error(413, `Тело запроса больше ${limitText}.`)
      return error(400, 'Не удалось принять тело запроса: оно оборвано или повреждено. Отправьте его снова.')
    }
    batchId = await enqueueImport(
      ctx.database,
      String(ctx.org.id),
      {
        kind,
        fileName,
        skipInvalid,
        userId: null,
        actor: apiSourceLabel(token.name),
        ip: ctx.ip,
        source: 'api',
        tokenId: token.id,
        format,
        mapping,
        branchScope: token.branchIds ? { branchIds: token.branchIds, tokenName: token.name } : undefined,
      },
      file,
      size,
    )
    queued = true
  } finally {
    if (!queued) await fsp.rm(dir, { recursive: true, force: true })
  }
  await recordAudit(ctx.database.db, {
    orgId: token.orgId,
    actor: apiSourceLabel(token.name),
    action: 'token.use',
    object: `токен №${token.id}`,
    details: { method: 'POST', kind, batch: batchId, format: format ?? null, mapping: mapping ?? null, skipInvalid },
    ip: ctx.ip,
  })
  const waitMs = options.waitMs ?? waitSeconds * 1000
  const deadline = Date.now() + waitMs
  for (;;) {
    const answer = (await apiImportOf(ctx.database, String(ctx.org.id), batchId))!
    const finished = answer.status !== 'queued' && answer.status !== 'running'
    if (finished || Date.now() >= deadline) return answerOf(answer)
    await new Promise((resolve) => setTimeout(resolve, Math.min(250, Math.max(10, deadline - Date.now()))))
  }
}

function answerOf(answer: ApiImport): Response {
  const status = httpStatusOf(answer.status)
  return json(answer, status, status === 202 ? { Location: `/api/imports/${answer.id}`, 'Retry-After': '5' } : {})
}

export async function getImport(request: Request, idParam: string, ctx: ApiContext): Promise<Response> {
  const auth = await authenticate(request, ctx)
  if ('response' in auth) return auth.response
  const { token } = auth
  const notFound = () => error(404, `Загрузки №${idParam} нет.`)
  if (!/^\d{1,18}$/.test(idParam) || token.orgId !== String(ctx.org.id)) return notFound()
  // a branch's token reads only its own imports: another import's rejections may be rows of any branch
  if (token.branchIds) {
    const own = await ctx.database.db.selectFrom('import_batch').select('id').where('id', '=', idParam).where('token_id', '=', token.id).executeTakeFirst()
    if (!own) return notFound()
  }
  const answer = await apiImportOf(ctx.database, token.orgId, idParam)
  if (!answer) return notFound()
  // the token's use is audited once per import, not per poll (ADR 027): the POST that queued it already wrote
  // `token.use` with this batch; a token reading another's import is recorded on its first read
  if (!(await useAudited(ctx, token, idParam))) {
    await recordAudit(ctx.database.db, {
      orgId: token.orgId,
      actor: apiSourceLabel(token.name),
      action: 'token.use',
      object: `токен №${token.id}`,
      details: { method: 'GET', batch: idParam },
      ip: ctx.ip,
    })
  }
  return answerOf(answer)
}

/** Whether this token's use for this import is in the audit already (index audit_event_token_batch, migration 0020). */
async function useAudited(ctx: ApiContext, token: IntegrationToken, batchId: string): Promise<boolean> {
  const row = await ctx.database.db
    .selectFrom('audit_event')
    .select('id')
    .where('action', '=', 'token.use')
    .where('object', '=', `токен №${token.id}`)
    .where(sql<string>`details->>'batch'`, '=', batchId)
    .where('org_id', '=', token.orgId)
    .limit(1)
    .executeTakeFirst()
  return row !== undefined
}
