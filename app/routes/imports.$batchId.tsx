import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/node'
import { Form, Link, useLoaderData, useNavigation, useRevalidator } from '@remix-run/react'
import type { BranchReport } from '#app/imports/branches.server.ts'
import { mayCreateBranches, requeueCreatingBranches } from '#app/imports/jobs.server.ts'
import { columnLabel } from '#app/imports/kinds.ts'
import { useEffect, useState } from 'react'
import { readProgress } from '#app/imports/progress.server.ts'
import { FORMAT_LABELS, readWith, STATUS_LABELS, sourceLabel } from '#app/imports/report-text.ts'
import {
  REJECTIONS_FOR_ORGANISATION,
  countImportRejections,
  findImportBatch,
  listImportRejections,
  mayReadRejections,
} from '#app/models/import-batch.server.ts'
import { actionAccess, canSeePersonalData, hasAnyRole } from '#app/utils/access.ts'
import { getAppContext } from '#app/utils/app-database.server.ts'
import { requireRole, requireRouteAccess } from '#app/utils/auth.server.ts'
import { countOf, WORDS } from '#reports/plural.ts'
import { formatBytes, formatCount, formatDateTime } from '#reports/format.ts'
import { importKind, labelOf } from '#reports/vocabulary.ts'
import { filesHref } from '#app/utils/files.ts'

export const meta: MetaFunction = ({ params }) => [{ title: `Загрузка №${params.batchId} — Качество обслуживания` }]

/** Rejections listed on the page; all of them are in the CSV download. */
const SHOWN_REJECTIONS = 1000

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRouteAccess(request, 'imports.$batchId.tsx')
  const batchId = params.batchId ?? ''
  const { database, org } = await getAppContext()
  const batch = await findImportBatch(database.db, org.id, batchId)
  if (!batch) throw new Response('Такой загрузки нет.', { status: 404 })
  if (batch.status === 'running' || batch.status === 'queued') {
    const progress = readProgress(batch.progress)
    return { running: true as const, batch: { id: batch.id, fileName: batch.file_name, queued: batch.status === 'queued' }, progress: progress ?? null }
  }
  // branch-limited users: totals only (mayReadRejections)
  const readable = mayReadRejections(user)
  const [rejections, itemised] = await Promise.all([
    readable ? listImportRejections(database.db, batch.id, SHOWN_REJECTIONS, canSeePersonalData(user.roles)) : [],
    countImportRejections(database.db, batch.id),
  ])
  const { file_path: _file, job: _job, branch_report, ...shown } = batch
  // an organisation-wide uploader may create the branches a refused file names (its file is kept a day)
  const canCreate = hasAnyRole(user.roles, actionAccess.upload) && user.allBranches && (await mayCreateBranches(batch))
  return {
    running: false as const,
    batch: shown,
    rejections,
    itemised,
    zone: org.time_zone,
    rejectionsHidden: !readable && itemised > 0 ? REJECTIONS_FOR_ORGANISATION : null,
    branches: (branch_report as BranchReport | null) ?? { unknown: [], created: [], moves: [] },
    canCreate,
  }
}

/** «Создать филиалы и загрузить снова»: the kept file is imported again, creating the branches it names. */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireRole(request, actionAccess.upload)
  if (!user.allBranches) throw new Response('Создавать филиалы могут только пользователи с доступом ко всей организации.', { status: 403 })
  const form = await request.formData()
  if (form.get('intent') !== 'create-branches') throw new Response('Неизвестное действие.', { status: 400 })
  const { database, org } = await getAppContext()
  const next = await requeueCreatingBranches(database, org.id, params.batchId ?? '', { userId: user.id, actor: user.login, ip: context?.ip ?? null })
  if (!next) throw new Response('Файл этой загрузки больше не хранится: загрузите его снова.', { status: 409 })
  return redirect(`/imports/${next}`)
}

function BranchNotes({ branches, canCreate, readable }: { branches: BranchReport; canCreate: boolean; readable: boolean }) {
  const navigation = useNavigation()
  return (
    <>
      {branches.unknown.length ? (
        <div className="notice bad" data-testid="unknown-branches">
          <p>
            В файле названы филиалы, которых нет в справочнике организации. Строки с ними не сохранены: так загрузка не создаст филиал-двойник из опечатки или
            сокращения.
          </p>
          <ul>
            {branches.unknown.map((u) => (
              <li key={`${u.value}|${u.code ?? ''}`}>
                {u.value ? `«${u.value}»` : `код «${u.code}»`}
                {u.value && u.code ? ` (код «${u.code}»)` : ''} — {countOf(u.rows, WORDS.row)}
                {readable ? `: ${u.lines.join(', ')}${u.rows > u.lines.length ? '…' : ''}` : ''}
              </li>
            ))}
          </ul>
          <p>Если это опечатка, исправьте название или код филиала в файле и загрузите его снова.</p>
          {canCreate ? (
            <Form method="post">
              <input type="hidden" name="intent" value="create-branches" />
              <button type="submit" disabled={navigation.state !== 'idle'}>
                Создать {branches.unknown.length === 1 ? 'этот филиал' : 'эти филиалы'} и загрузить файл снова
              </button>
            </Form>
          ) : null}
        </div>
      ) : null}
      {branches.created.length ? (
        <div className="notice ok" data-testid="created-branches">
          Созданы филиалы: {branches.created.map((b) => `«${b.name}» (код ${b.code})`).join(', ')}.
        </div>
      ) : null}
      {branches.moves.length ? (
        <div className="notice warn" data-testid="branch-moves">
          <p>Офисы сменили филиал (их посещения и обращения видят теперь пользователи нового филиала):</p>
          <ul>
            {branches.moves.map((m) => (
              <li key={m.office}>
                {m.office}: {m.from ? `«${m.from}»` : 'без филиала'} → {m.to ? `«${m.to}»` : 'без филиала'}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </>
  )
}

type ProgressState = { bytesRead: number; totalBytes: number; rowsRead: number; rowsRejected: number; phase: string }

function Running({ batchId, fileName, initial }: { batchId: string; fileName: string; initial: ProgressState | null }) {
  const revalidator = useRevalidator()
  const [state, setState] = useState<ProgressState | null>(initial)
  useEffect(() => {
    const timer = setInterval(async () => {
      const response = await fetch(`/imports/${batchId}/progress`)
      const body = (await response.json()) as ProgressState & { running: boolean }
      if (!body.running) {
        clearInterval(timer)
        revalidator.revalidate()
      } else setState(body)
    }, 700)
    return () => clearInterval(timer)
  }, [batchId, revalidator])
  const share = state && state.totalBytes ? state.bytesRead / state.totalBytes : 0
  return (
    <>
      <noscript>
        <meta httpEquiv="refresh" content="2" />
      </noscript>
      <h1>Загрузка №{batchId}</h1>
      <p>Файл «{fileName}» обрабатывается…</p>
      <progress value={share} max={1} aria-label="Обработка файла" />
      <p className="muted" data-testid="progress">
        {state?.phase === 'queued'
          ? 'В очереди: начнётся, когда закончится предыдущая загрузка.'
          : state
            ? `${state.phase === 'saving' ? 'Сохранение' : 'Чтение'}: ${Math.round(share * 100)} % · строк прочитано ${formatCount(state.rowsRead)}, с ошибками ${formatCount(state.rowsRejected)}`
            : 'Начинаю…'}
      </p>
    </>
  )
}

export default function ImportReportPage() {
  const data = useLoaderData<typeof loader>()
  if (data.running) {
    return (
      <Running
        batchId={data.batch.id}
        fileName={data.batch.fileName}
        initial={data.batch.queued ? { phase: 'queued', bytesRead: 0, totalBytes: 0, rowsRead: 0, rowsRejected: 0 } : data.progress}
      />
    )
  }
  const { batch, rejections, itemised, zone, rejectionsHidden, branches, canCreate } = data
  const stored = batch.rows_inserted + batch.rows_updated + batch.rows_unchanged + batch.rows_pending
  const [message, ...warnings] = (batch.message ?? '').split('\n')
  return (
    <>
      <p>
        <Link to="/imports">← Загрузка данных</Link>
      </p>
      <h1>Загрузка №{batch.id}</h1>
      <div className="card">
        <dl className="facts">
          <dt>Файл</dt>
          <dd>
            {batch.file_name}
            {batch.file_size !== null ? ` · ${formatBytes(batch.file_size)}` : ''}
          </dd>
          <dt>Откуда</dt>
          <dd>{sourceLabel(batch.source, batch.token_name)}</dd>
          <dt>Вид данных</dt>
          <dd>{labelOf(importKind, batch.kind)}</dd>
          <dt>Формат</dt>
          <dd>
            {batch.format ? FORMAT_LABELS[batch.format] : '—'}
            {readWith({ adapter: batch.adapter, mapping: batch.mapping_name })}
            {batch.encoding ? ` · кодировка ${batch.encoding}` : ''}
            {batch.delimiter ? ` · разделитель «${batch.delimiter}»` : ''}
          </dd>
          <dt>Режим</dt>
          <dd>{batch.skip_invalid ? 'ошибочные строки пропускаются' : 'всё или ничего'}</dd>
          <dt>Начата · окончена</dt>
          <dd>
            {formatDateTime(batch.started_at, zone)} · {formatDateTime(batch.finished_at, zone)}
          </dd>
          <dt>Статус</dt>
          <dd className={`status-${batch.status}`} data-testid="status">
            {STATUS_LABELS[batch.status]}
          </dd>
        </dl>
      </div>
      <p className="balance" data-testid="balance">
        Прочитано строк: <strong>{formatCount(batch.rows_read)}</strong> = сохранено <strong>{formatCount(stored)}</strong> + отклонено{' '}
        <strong>{formatCount(batch.rows_rejected)}</strong>
      </p>
      <table style={{ maxWidth: 560 }}>
        <tbody>
          <tr>
            <td>новых записей</td>
            <td className="num" data-testid="inserted">
              {formatCount(batch.rows_inserted)}
            </td>
          </tr>
          <tr>
            <td>обновлено</td>
            <td className="num" data-testid="updated">
              {formatCount(batch.rows_updated)}
            </td>
          </tr>
          <tr>
            <td>без изменений</td>
            <td className="num" data-testid="unchanged">
              {formatCount(batch.rows_unchanged)}
            </td>
          </tr>
          {batch.kind === 'calls' ? (
            <tr>
              <td>звонки queue_log, ожидающие окончания в следующем файле</td>
              <td className="num">{formatCount(batch.rows_pending)}</td>
            </tr>
          ) : null}
          {batch.rows_no_ending ? (
            <tr>
              <td>
                из сохранённых — закрыты как «нет окончания в журнале» (в показатели ожидания не входят; список — плитка «Нет окончания в журнале» на
                «Показателях»)
              </td>
              <td className="num" data-testid="no-ending">
                {formatCount(batch.rows_no_ending)}
              </td>
            </tr>
          ) : null}
          <tr>
            <td>строк с ошибками</td>
            <td className="num" data-testid="invalid">
              {formatCount(batch.rows_invalid)}
            </td>
          </tr>
        </tbody>
      </table>
      {message ? (
        <p className={`notice ${batch.status === 'done' ? 'ok' : 'bad'}`} data-testid="message">
          {message}
        </p>
      ) : null}
      {warnings.map((w) => (
        <p className="notice warn" key={w}>
          {w}
        </p>
      ))}
      <BranchNotes branches={branches} canCreate={canCreate} readable={!rejectionsHidden} />
      {batch.unknown_columns.length ? <p className="notice warn">Неизвестные столбцы пропущены: {batch.unknown_columns.join(', ')}</p> : null}
      {rejectionsHidden ? (
        <p className="notice" data-testid="rejections-hidden">
          {rejectionsHidden}
        </p>
      ) : null}
      {rejections.length ? (
        <>
          <h2>Ошибки в строках</h2>
          <p className="muted">
            {itemised > rejections.length ? `Показаны первые ${formatCount(rejections.length)} из ${formatCount(itemised)}. ` : ''}
            <a href={filesHref('import-rejections', 'csv', { batch: batch.id })} download>
              Скачать все ошибки (CSV)
            </a>
          </p>
          <table data-testid="rejections">
            <thead>
              <tr>
                <th className="num">Строка</th>
                <th>Столбец</th>
                <th>Значение</th>
                <th>Причина</th>
              </tr>
            </thead>
            <tbody>
              {rejections.map((r) => (
                <tr key={r.seq}>
                  <td className="num">{r.line ?? '—'}</td>
                  <td>{r.column ? columnLabel(batch.kind, r.column) : '—'}</td>
                  <td>{r.value ?? ''}</td>
                  <td>{r.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </>
  )
}
