import { FieldError, fieldErrorsOf, invalid } from '#app/components/form-error.tsx'
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { changeSnapshot } from '#app/models/appendix7-commands.server.ts'
import { parseInput, refusalOfError, text, z } from '#app/utils/input.ts'
import { InputError } from '#reports/errors.ts'
import { actionAccess, hasAnyRole } from '#app/utils/access.ts'
import { requireRole } from '#app/utils/auth.server.ts'
import { formatDateTime } from '#reports/format.ts'
import { reportRequest } from '#app/utils/report-view.server.ts'
import { prepareAppendix7 } from '#reports/appendix-7/build.server.ts'
import { appendix7Context } from '#reports/appendix-7/context.server.ts'
import type { FigureValue } from '#reports/appendix-7/figures.server.ts'
import { diffFigures, getSnapshot } from '#reports/appendix-7/snapshots.server.ts'
import { localParts } from '#reports/time/local-time.ts'
import { snapshotFileHref } from '#app/utils/files.ts'

export const meta: MetaFunction = () => [{ title: 'Зафиксированный отчёт — Качество обслуживания' }]

/** A frozen report and what changed since: the figures regenerated now (same year, same «as of») against the frozen ones. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const rr = await reportRequest(request, 'reports.appendix-7.snapshots.$snapshotId.tsx')
  const snapshot = await getSnapshot(rr.database.db, rr.scope, params.snapshotId ?? '')
  if (!snapshot) throw new Response('Зафиксированный отчёт не найден.', { status: 404 })
  // regenerated in the snapshot's own scope (within the user's: getSnapshot says so)
  const scope = { orgId: rr.scope.orgId, branches: snapshot.scope_branches ?? ('all' as const) }
  const report = await prepareAppendix7(await appendix7Context(rr.database, scope, snapshot.year, snapshot.as_of))
  const changes = diffFigures(snapshot.figures as FigureValue[], report.figures)
  const replaced = snapshot.replaces ? await getSnapshot(rr.database.db, rr.scope, snapshot.replaces) : undefined
  const today = localParts(new Date(), rr.org.time_zone)
  return {
    scopeLabel: snapshot.scope_label,
    orgWide: snapshot.scope_branches === null,
    userOrgWide: rr.scope.branches === 'all',
    hasPdf: snapshot.pdf !== null,
    filed: snapshot.filed_at
      ? {
          on: (snapshot.filed_on_text ?? '').split('-').reverse().join('.'),
          number: snapshot.filed_number ?? '',
          by: snapshot.filed_by_name ?? '',
          at: formatDateTime(snapshot.filed_at, rr.org.time_zone),
        }
      : null,
    replaces: snapshot.replaces,
    replacedBy: snapshot.replaced_by,
    changeNote: snapshot.change_note,
    correctedFigures: replaced ? diffFigures(replaced.figures as FigureValue[], snapshot.figures as FigureValue[]) : null,
    published: snapshot.published_at ? { at: formatDateTime(snapshot.published_at, rr.org.time_zone), by: snapshot.published_by_name ?? '' } : null,
    publicPath: snapshot.public_enabled && snapshot.public_token ? `/publications/${snapshot.public_token}` : null,
    canFile: hasAnyRole(rr.user.roles, actionAccess.reportInput),
    isAdmin: rr.user.roles.includes('admin'),
    today: `${today.year}-${String(today.month).padStart(2, '0')}-${String(today.day).padStart(2, '0')}`,
    id: snapshot.id,
    year: snapshot.year,
    frozenAt: formatDateTime(snapshot.frozen_at, rr.org.time_zone),
    frozenBy: snapshot.frozen_by_name,
    asOf: formatDateTime(snapshot.as_of, rr.org.time_zone),
    template: snapshot.template_version,
    currentTemplate: report.ctx.template.version,
    sha256: snapshot.file_sha256,
    fileName: snapshot.file_name,
    bytes: snapshot.file.length,
    figures: (snapshot.figures as FigureValue[]).length,
    changes,
  }
}

const snapshotForm = z.discriminatedUnion(
  'intent',
  [
    z.object({ intent: z.literal('file'), filedOn: text({ max: 20 }), number: text({ max: 200, raw: true }) }),
    z.object({ intent: z.literal('publish') }),
    z.object({ intent: z.enum(['public-on', 'public-off']) }),
  ],
  { error: 'Неизвестное действие.' },
)

export async function action({ request, params, context }: ActionFunctionArgs) {
  const rr = await reportRequest(request, 'reports.appendix-7.snapshots.$snapshotId.tsx', context)
  const parsed = parseInput(snapshotForm, await request.formData(), { filedOn: 'Дата подачи', number: 'Номер' })
  if (!parsed.ok) {
    if ('intent' in parsed.fieldErrors) throw new Response('Неизвестное действие.', { status: 400 })
    return data({ error: parsed.error, fieldErrors: parsed.fieldErrors }, { status: 400 })
  }
  const change = parsed.data
  await requireRole(request, change.intent === 'public-on' || change.intent === 'public-off' ? ['admin'] : actionAccess.reportInput)
  try {
    await changeSnapshot(rr.database.db, rr.actor, params.snapshotId ?? '', change)
  } catch (error) {
    if (error instanceof InputError) return data(refusalOfError(error), { status: 400 })
    throw error
  }
  if (change.intent === 'file') return { ok: 'Подача отмечена.' }
  if (change.intent === 'publish') return { ok: 'Публикация подготовлена: скачайте страницу HTML и файл для сайта организации.' }
  return { ok: change.intent === 'public-on' ? 'Публичный адрес включён.' : 'Публичный адрес отключён: прежняя ссылка больше не открывается.' }
}

const show = (v: number | string | null) => (v === null ? '—' : typeof v === 'number' ? v.toLocaleString('ru-RU') : v || '(пусто)')

export default function Snapshot() {
  const s = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const errors = fieldErrorsOf(result)
  const file = (kind: 'xlsx' | 'pdf' | 'html' | 'published') => snapshotFileHref(s.id, kind)
  return (
    <>
      <h1>
        Приложение 7 за {s.year} год, зафиксировано {s.frozenAt} (№ {s.id})
      </h1>
      {result && 'error' in result ? <p className="notice error">{result.error}</p> : null}
      {result && 'ok' in result ? <p className="notice ok">{result.ok}</p> : null}
      <p>
        Зафиксировал: {s.frozenBy}. Охват: <strong data-testid="snapshot-scope">{s.scopeLabel}</strong>. Исходы ответов — на {s.asOf}. Шаблон {s.template}
        {s.template !== s.currentTemplate ? ` (сейчас действует ${s.currentTemplate})` : ''}. Показателей: {s.figures.toLocaleString('ru-RU')}.
      </p>
      <p>
        <a href={file('xlsx')} data-testid="snapshot-file">
          Скачать зафиксированный файл XLSX
        </a>{' '}
        <span className="muted">
          ({s.fileName}, {s.bytes.toLocaleString('ru-RU')} байт, SHA-256 {s.sha256.slice(0, 16)}…)
        </span>
        {s.hasPdf ? (
          <>
            {' · '}
            <a href={file('pdf')} data-testid="snapshot-pdf">
              PDF
            </a>
          </>
        ) : null}
      </p>
      {s.replacedBy ? (
        <p className="notice warning" data-testid="replaced">
          Отчёт заменён исправленным: <Link to={`/reports/appendix-7/snapshots/${s.replacedBy}`}>№ {s.replacedBy}</Link>.
        </p>
      ) : null}
      {s.replaces ? (
        <section className="card" data-testid="corrects">
          <h2>Исправленный отчёт взамен № {s.replaces}</h2>
          <p>Что исправлено: {s.changeNote}</p>
          {s.correctedFigures ? (
            <p>
              Показателей изменилось по сравнению с заменённым: <strong>{s.correctedFigures.length.toLocaleString('ru-RU')}</strong>
              {s.correctedFigures.length
                ? `: ${s.correctedFigures
                    .slice(0, 20)
                    .map((c) => `${c.label}: ${show(c.before)} → ${show(c.after)}`)
                    .join('; ')}${s.correctedFigures.length > 20 ? '; …' : ''}`
                : ''}
              .
            </p>
          ) : null}
        </section>
      ) : null}
      <section className="card" data-testid="filing">
        <h2>Подача</h2>
        {s.filed ? (
          <p data-testid="filed">
            Подан {s.filed.on}, вх. № {s.filed.number}; отметил {s.filed.by} ({s.filed.at}). Повторная подача не записывается; для исправлений зафиксируйте
            исправленный отчёт взамен этого.
          </p>
        ) : !s.orgWide ? (
          <p>Этот отчёт охватывает не всю организацию ({s.scopeLabel}) и не подаётся как отчёт организации.</p>
        ) : s.canFile && s.userOrgWide ? (
          <Form method="post">
            <input type="hidden" name="intent" value="file" />
            <label>
              Дата подачи <input {...invalid(errors, 'filedOn')} type="date" name="filedOn" defaultValue={s.today} required />
              <FieldError errors={errors} name="filedOn" />
            </label>{' '}
            <label>
              Входящий номер (вх. №) <input {...invalid(errors, 'number')} type="text" name="number" required maxLength={100} />
              <FieldError errors={errors} name="number" />
            </label>{' '}
            <button type="submit" data-testid="file">
              Отметить подачу
            </button>
          </Form>
        ) : (
          <p>Не подан.</p>
        )}
      </section>
      <section className="card" data-testid="publication">
        <h2>Публикация</h2>
        {s.published ? (
          <>
            <p>
              Подготовлена {s.published.at} ({s.published.by}): без таблицы 4.9 и без персональных данных.{' '}
              <a href={file('html')} data-testid="publication-html">
                Страница HTML для сайта
              </a>
              {' · '}
              <a href={file('published')} data-testid="publication-file">
                Файл XLSX для сайта
              </a>
            </p>
            {s.publicPath ? (
              <p data-testid="public-url">
                Публичный адрес включён: <a href={s.publicPath}>{s.publicPath}</a>
              </p>
            ) : (
              <p className="muted">Публичный адрес в продукте выключен.</p>
            )}
            {s.isAdmin ? (
              <Form method="post">
                <input type="hidden" name="intent" value={s.publicPath ? 'public-off' : 'public-on'} />
                <button type="submit" data-testid="public-toggle">
                  {s.publicPath ? 'Отключить публичный адрес' : 'Включить публичный адрес'}
                </button>
              </Form>
            ) : null}
          </>
        ) : s.filed && s.canFile && s.userOrgWide && !s.replacedBy ? (
          <Form method="post">
            <input type="hidden" name="intent" value="publish" />
            <button type="submit" data-testid="publish">
              Подготовить публикацию
            </button>{' '}
            <span className="muted">
              Страница и файл для сайта организации — таблицы формы без таблицы 4.9 (сведения по отдельным обращениям) и без персональных данных.
            </span>
          </Form>
        ) : (
          <p className="muted">Публикуется поданный отчёт всей организации.</p>
        )}
      </section>
      <h2>Что изменилось с момента фиксации</h2>
      <p className="muted">Отчёт пересчитан сейчас по тем же году и дате «по состоянию на»; показаны показатели, значение которых отличается.</p>
      {s.changes.length === 0 ? (
        <p data-testid="no-changes">Изменений нет: все показатели совпадают с зафиксированными.</p>
      ) : (
        <table data-testid="changes-table">
          <thead>
            <tr>
              <th>Показатель</th>
              <th className="num">Было</th>
              <th className="num">Стало</th>
            </tr>
          </thead>
          <tbody>
            {s.changes.map((c) => (
              <tr key={c.key}>
                <td>{c.label}</td>
                <td className="num">{show(c.before)}</td>
                <td className="num">{show(c.after)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p>
        <Link to={`/reports/appendix-7?year=${s.year}`}>← К Приложению 7</Link>
      </p>
    </>
  )
}
