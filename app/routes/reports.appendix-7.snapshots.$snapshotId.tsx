import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { formatDateTime } from '#app/utils/format.ts'
import { reportRequest } from '#app/utils/report-view.server.ts'
import { prepareAppendix7 } from '#reports/appendix-7/build.server.ts'
import { appendix7Context } from '#reports/appendix-7/context.server.ts'
import type { FigureValue } from '#reports/appendix-7/figures.server.ts'
import { diffFigures, getSnapshot } from '#reports/appendix-7/snapshots.server.ts'

export const meta: MetaFunction = () => [{ title: 'Зафиксированный отчёт — Качество обслуживания' }]

/** A frozen report and what changed since: the figures regenerated now (same year, same «as of») against the frozen ones. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const rr = await reportRequest(request, 'reports.appendix-7.snapshots.$snapshotId.tsx')
  const snapshot = await getSnapshot(rr.database.db, rr.org.id, params.snapshotId ?? '')
  if (!snapshot) throw new Response('Зафиксированный отчёт не найден.', { status: 404 })
  const report = await prepareAppendix7(await appendix7Context(rr.database, rr.scope, snapshot.year, snapshot.as_of))
  const changes = diffFigures(snapshot.figures as FigureValue[], report.figures)
  return {
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

const show = (v: number | string | null) => (v === null ? '—' : typeof v === 'number' ? v.toLocaleString('ru-RU') : v || '(пусто)')

export default function Snapshot() {
  const s = useLoaderData<typeof loader>()
  return (
    <>
      <h1>Приложение 7 за {s.year} год, зафиксировано {s.frozenAt}</h1>
      <p>
        Зафиксировал: {s.frozenBy}. Исходы ответов — на {s.asOf}. Шаблон {s.template}
        {s.template !== s.currentTemplate ? ` (сейчас действует ${s.currentTemplate})` : ''}. Показателей: {s.figures.toLocaleString('ru-RU')}.
      </p>
      <p>
        <a href={`/reports/appendix-7/snapshots/${s.id}/file`} data-testid="snapshot-file">
          Скачать зафиксированный файл
        </a>{' '}
        <span className="muted">
          ({s.fileName}, {s.bytes.toLocaleString('ru-RU')} байт, SHA-256 {s.sha256.slice(0, 16)}…)
        </span>
      </p>
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
