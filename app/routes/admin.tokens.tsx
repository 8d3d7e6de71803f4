import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from '@remix-run/node'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { FieldError, FormError, fieldErrorsOf, invalid } from '#app/components/form-error.tsx'
import { IMPORT_KINDS } from '#app/imports/kinds.ts'
import { issueTokenCommand, listTokens, revokeTokenCommand, tokenListing } from '#app/integration/tokens.server.ts'
import { InputError } from '#reports/errors.ts'
import { listBranches } from '#app/models/user.server.ts'
import { getAppContext } from '#app/utils/app-database.server.ts'
import { requireActor, requireRouteAccess } from '#app/utils/auth.server.ts'
import { id, list, parseInput, refusalOfError, text, z } from '#app/utils/input.ts'
import { formatDateTime } from '#reports/format.ts'
import { endOfLocalDay, isDateText } from '#reports/metrics/period.ts'
import { importKind, labelOf } from '#reports/vocabulary.ts'

export const meta: MetaFunction = () => [{ title: 'Токены интеграции — Качество обслуживания' }]

/** Integration tokens of the import API (ADR 017): issued with their secret shown once, revoked, never shown again. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireRouteAccess(request, 'admin.tokens.tsx')
  const { database, org } = await getAppContext()
  const [tokens, branches] = await Promise.all([listTokens(database.db, org.id), listBranches(database.db, org.id)])
  const names = new Map(branches.map((b) => [String(b.id), b.name]))
  return {
    zone: org.time_zone,
    branches: branches.map((b) => ({ id: String(b.id), name: b.name })),
    tokens: tokens.map((t) => ({ ...t, ...tokenListing(t, names, org.time_zone) })),
  }
}

const tokenForm = z.discriminatedUnion(
  'intent',
  [
    z.object({ intent: z.literal('revoke'), id: id('Неверный номер токена.') }),
    z.object({
      intent: z.literal('create').optional(),
      name: text({ max: 200 }),
      kinds: list(),
      branches: list(),
      expires: text({ max: 20 }).refine((e) => e === '' || isDateText(e), { error: 'Срок действия — дата в виде ГГГГ-ММ-ДД.' }),
    }),
  ],
  { error: 'Неизвестное действие.' },
)

const LABELS = { name: 'Название', kinds: 'Виды данных', branches: 'Филиалы', expires: 'Срок действия' }

export async function action({ request, context }: ActionFunctionArgs) {
  const actor = await requireActor({ request, context }, 'admin.tokens.tsx')
  const { database } = await getAppContext()
  const parsed = parseInput(tokenForm, await request.formData(), LABELS)
  if (!parsed.ok) return data({ error: parsed.error, fieldErrors: parsed.fieldErrors, secret: null, revoked: null }, { status: 400 })
  const form = parsed.data
  try {
    if (form.intent === 'revoke') {
      const token = await revokeTokenCommand(database.db, actor, form.id)
      return { error: null, fieldErrors: {}, secret: null, revoked: token.name }
    }
    const { token, secret } = await issueTokenCommand(database.db, actor, {
      name: form.name,
      kinds: form.kinds,
      branchIds: form.branches,
      expiresAt: form.expires ? endOfLocalDay(form.expires, actor.org.time_zone) : null,
    })
    return { error: null, fieldErrors: {}, secret, name: token.name, revoked: null }
  } catch (error) {
    if (error instanceof InputError) return data({ ...refusalOfError(error), secret: null, revoked: null }, { status: 400 })
    throw error
  }
}

export default function Tokens() {
  const { tokens, branches, zone } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const errors = fieldErrorsOf(result)
  return (
    <>
      <h1>Токены интеграции</h1>
      <p>
        Токен открывает системе (АТС, СЭД, электронной очереди) загрузку данных без участия человека: <code>POST /api/imports/&lt;вид&gt;</code> с заголовком{' '}
        <code>Authorization: Bearer &lt;токен&gt;</code> и файлом в теле. Описание — <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3), подробности
        — в README, раздел «Загрузка без участия человека». Хранится только отпечаток (SHA-256) токена: показать его ещё раз нельзя, потерянный токен отзовите и
        выпустите новый.
      </p>
      {result?.secret ? (
        <div className="notice ok" data-testid="secret">
          <p>Токен «{'name' in result ? result.name : ''}» создан. Скопируйте его сейчас — больше он показан не будет:</p>
          <p>
            <code className="secret">{result.secret}</code>
          </p>
          <p className="muted">
            Пример: <code>curl -H &quot;Authorization: Bearer {result.secret}&quot; --data-binary @calls.csv &quot;https://…/api/imports/calls&quot;</code>
          </p>
        </div>
      ) : null}
      {result?.revoked ? <p className="notice ok">Токен «{result.revoked}» отозван: им больше нельзя загружать.</p> : null}
      <table data-testid="tokens">
        <thead>
          <tr>
            <th>№</th>
            <th>Название</th>
            <th>Начало токена</th>
            <th>Виды данных</th>
            <th>Филиалы</th>
            <th>Действует до</th>
            <th>Создан</th>
            <th>Последнее использование</th>
            <th>Состояние</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {tokens.length === 0 ? (
            <tr>
              <td colSpan={10} className="muted">
                Токенов нет.
              </td>
            </tr>
          ) : null}
          {tokens.map((t) => (
            <tr key={t.id}>
              <td>{t.id}</td>
              <td>{t.name}</td>
              <td>
                <code>{t.prefix}…</code>
              </td>
              <td>{t.kinds.map((k) => labelOf(importKind, k)).join(', ')}</td>
              <td>{t.scope}</td>
              <td>{t.until}</td>
              <td>
                {formatDateTime(t.createdAt, zone)} · {t.createdByName}
              </td>
              <td>{formatDateTime(t.lastUsedAt, zone)}</td>
              <td>{t.revokedAt ? `отозван ${formatDateTime(t.revokedAt, zone)} · ${t.revokedByName ?? ''}` : t.state}</td>
              <td>
                {t.revokedAt ? null : (
                  <Form method="post">
                    <input type="hidden" name="intent" value="revoke" />
                    <input type="hidden" name="id" value={t.id} />
                    <button type="submit" className="link">
                      Отозвать
                    </button>
                  </Form>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Новый токен</h2>
      <Form method="post" className="stack card">
        <label>
          Название (какой системе выдан)
          <input {...invalid(errors, 'name')} type="text" name="name" required maxLength={100} placeholder="АТС" />
          <FieldError errors={errors} name="name" />
        </label>
        <fieldset>
          <legend>Что может загружать</legend>
          <div className="checks">
            {IMPORT_KINDS.map((k) => (
              <label key={k}>
                <input {...invalid(errors, 'kinds')} type="checkbox" name="kinds" value={k} /> {labelOf(importKind, k)}
              </label>
            ))}
          </div>
          <FieldError errors={errors} name="kinds" />
        </fieldset>
        <fieldset>
          <legend>Только филиалы (ничего не отмечено — вся организация)</legend>
          {branches.length === 0 ? <span className="muted">Филиалов пока нет.</span> : null}
          <div className="checks">
            {branches.map((b) => (
              <label key={b.id}>
                <input {...invalid(errors, 'branches')} type="checkbox" name="branches" value={b.id} /> {b.name}
              </label>
            ))}
          </div>
          <FieldError errors={errors} name="branches" />
        </fieldset>
        <label>
          Действует до (включительно; пусто — бессрочно)
          <input {...invalid(errors, 'expires')} type="date" name="expires" />
          <FieldError errors={errors} name="expires" />
        </label>
        <FormError message={result?.error ?? undefined} />
        <button type="submit">Создать токен</button>
      </Form>
    </>
  )
}
