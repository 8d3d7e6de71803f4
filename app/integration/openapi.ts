/**
 * The OpenAPI 3 description of the import API (ADR 017), served at /api/openapi.json. The record schemas
 * of JSON bodies come from the import contract itself (kinds.ts), so they cannot drift from it.
 */
import { IMPORT_KINDS, kindSpecs } from '#app/imports/kinds.ts'
import { forceableFormats } from '#app/imports/pipeline.server.ts'

function recordSchema(kind: (typeof IMPORT_KINDS)[number]) {
  const spec = kindSpecs[kind]
  const properties: Record<string, unknown> = {}
  for (const c of spec.columns) {
    const type = c.field.type
    const description = `${c.alias}${c.personal ? ' (персональные данные)' : ''}`
    properties[c.name] =
      type === 'timestamp'
        ? {
            type: ['string', 'null'],
            description: `${description}. ISO 8601 (2025-03-14T09:05:00+03:00) или ДД.ММ.ГГГГ ЧЧ:ММ; без смещения — время часового пояса организации`,
          }
        : type === 'bool'
          ? { type: ['boolean', 'string', 'null'], description }
          : type === 'enum'
            ? { type: ['string', 'null'], description: `${description}: код или русское название`, examples: Object.keys(c.field.vocabulary).slice(0, 8) }
            : { type: ['string', 'number', 'null'], description }
  }
  return { type: 'object', required: spec.columns.filter((c) => c.required).map((c) => c.name), properties, additionalProperties: true }
}

const importSchema = {
  type: 'object',
  required: ['id', 'status', 'read', 'stored', 'inserted', 'updated', 'unchanged', 'rejected', 'rejections', 'rejectionsTotal'],
  properties: {
    id: { type: 'string', description: 'номер загрузки (GET /api/imports/{id})' },
    kind: { type: 'string', enum: IMPORT_KINDS },
    status: {
      type: 'string',
      enum: ['done', 'rejected', 'failed', 'queued', 'running', 'interrupted'],
      description:
        'done — сохранено; rejected — файл отклонён, ничего не сохранено; failed/interrupted — внутренняя ошибка или остановка, ничего не сохранено; queued/running — ещё не закончено',
    },
    fileName: { type: 'string' },
    format: { type: ['string', 'null'] },
    read: { type: 'integer', description: 'прочитано строк (записей); read = stored + rejected' },
    stored: { type: 'integer', description: 'сохранено = inserted + updated + unchanged + pending' },
    inserted: { type: 'integer' },
    updated: { type: 'integer' },
    unchanged: { type: 'integer' },
    pending: { type: 'integer', description: 'queue_log: звонки, ждущие окончания в следующем файле' },
    rejected: { type: 'integer', description: 'не сохранено: ошибочные строки, или все прочитанные, если файл отклонён целиком' },
    invalid: { type: 'integer', description: 'строк с ошибками' },
    rejections: {
      type: 'array',
      maxItems: 1000,
      description: 'первые 1 000 ошибок по строкам; значения столбцов с персональными данными скрыты',
      items: {
        type: 'object',
        properties: {
          line: { type: ['integer', 'null'], description: 'строка файла (1 — заголовок) или номер записи JSON-массива (с 1)' },
          column: { type: ['string', 'null'] },
          value: { type: ['string', 'null'] },
          reason: { type: 'string', description: 'причина по-русски' },
        },
      },
    },
    rejectionsTotal: { type: 'integer', description: 'ошибок всего (показаны первые 1 000)' },
    message: { type: ['string', 'null'] },
    startedAt: { type: 'string', format: 'date-time' },
    finishedAt: { type: ['string', 'null'], format: 'date-time' },
  },
}

const errorSchema = { type: 'object', required: ['error'], properties: { error: { type: 'string', description: 'причина по-русски' } } }
const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } })
const importResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Import' } } } })

export function openApiDocument() {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Качество обслуживания — загрузка данных',
      version: '1',
      description:
        'Загрузка журналов без участия человека. Токен выдаёт администратор («Токены интеграции»); он разрешает виды данных и, может быть, только свои филиалы. ' +
        'Загрузка идёт тем же конвейером, что и загрузка файла на странице: та же проверка, всё или ничего (или skip_invalid=1), ключи без дублей, отчёт по строкам.',
    },
    servers: [{ url: '/' }],
    security: [{ token: [] }],
    paths: {
      '/api/imports/{kind}': {
        post: {
          summary: 'Загрузить файл или JSON-массив записей',
          description:
            'Тело — сам файл (CSV UTF-8/Windows-1251, XLSX, Asterisk queue_log, в том числе gzip) до 2 ГБ, или при Content-Type: application/json массив записей с каноническими именами полей до 32 МБ. ' +
            'Ответ ждёт окончания загрузки до wait секунд; не дождавшись — 202 с номером загрузки и заголовком Location.',
          parameters: [
            { name: 'kind', in: 'path', required: true, schema: { type: 'string', enum: IMPORT_KINDS } },
            {
              name: 'format',
              in: 'query',
              schema: { type: 'string', enum: forceableFormats() },
              description: 'читать как этот формат, а не как определит сервер',
            },
            { name: 'mapping', in: 'query', schema: { type: 'string' }, description: 'читать по сохранённому сопоставлению столбцов с этим названием' },
            {
              name: 'skip_invalid',
              in: 'query',
              schema: { type: 'string', enum: ['1', '0'] },
              description: '1 — сохранить верные строки, пропустив ошибочные; иначе ошибка в любой строке отклоняет весь файл',
            },
            { name: 'wait', in: 'query', schema: { type: 'integer', minimum: 0, maximum: 60, default: 20 }, description: 'сколько секунд ждать окончания' },
            { name: 'name', in: 'query', schema: { type: 'string', maxLength: 255 }, description: 'имя файла для истории загрузок' },
          ],
          requestBody: {
            required: true,
            content: {
              'text/csv': { schema: { type: 'string', format: 'binary' } },
              'application/octet-stream': { schema: { type: 'string', format: 'binary' } },
              'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: { type: 'string', format: 'binary' } },
              'application/json': { schema: { oneOf: IMPORT_KINDS.map((k) => ({ type: 'array', items: { $ref: `#/components/schemas/${k}` } })) } },
            },
          },
          responses: {
            200: importResponse('сохранено (status done)'),
            202: importResponse('ещё выполняется (status queued или running): спросите GET /api/imports/{id}'),
            400: errorResponse('неверный параметр (format, wait) или оборванное тело'),
            401: errorResponse('нет токена, токен неверен, отозван или истёк'),
            403: errorResponse('токену не разрешён этот вид данных'),
            404: errorResponse('неизвестный вид данных'),
            405: errorResponse('метод не поддерживается'),
            413: errorResponse('тело больше предела'),
            415: errorResponse('тело — форма multipart/form-data или неизвестного типа, а не файл'),
            422: importResponse('файл отклонён (status rejected): ничего не сохранено, причины в rejections и message'),
            500: importResponse('внутренняя ошибка (status failed или interrupted): ничего не сохранено'),
          },
        },
      },
      '/api/imports/{id}': {
        get: {
          summary: 'Как прошла загрузка (тот же JSON, что и ответ POST)',
          description: 'Загрузки своей организации; токен филиала видит только свои загрузки.',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^\\d+$' } }],
          responses: {
            200: importResponse('сохранено'),
            202: importResponse('ещё выполняется'),
            401: errorResponse('нет токена, токен неверен, отозван или истёк'),
            404: errorResponse('такой загрузки нет'),
            422: importResponse('отклонена'),
            500: importResponse('ошибка'),
          },
        },
      },
    },
    components: {
      securitySchemes: { token: { type: 'http', scheme: 'bearer', description: 'секрет токена интеграции: sq_ и 43 символа' } },
      schemas: { Import: importSchema, Error: errorSchema, ...Object.fromEntries(IMPORT_KINDS.map((k) => [k, recordSchema(k)])) },
    },
  }
}
