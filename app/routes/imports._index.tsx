import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data, redirect } from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { Pager } from '#app/components/pager.tsx'
import { UploadForm } from '#app/components/upload-form.tsx'
import { pageParam } from '#app/utils/page-param.ts'
import { STATUS_LABELS, sourceLabel } from '#app/imports/report-text.ts'
import { acceptUpload } from '#app/imports/upload.server.ts'
import { listMappings } from '#app/imports/mappings.server.ts'
import { mappingColumns } from '#app/imports/mapping.ts'
import { IMPORT_PAGE_SIZE, listImportBatches } from '#app/models/import-batch.server.ts'
import { actionAccess, hasAnyRole } from '#app/utils/access.ts'
import { getAppContext } from '#app/utils/app-database.server.ts'
import { requireRole, requireRouteAccess } from '#app/utils/auth.server.ts'
import { formatBytes, formatCount, formatDateTime } from '#reports/format.ts'
import { importKind, labelOf } from '#reports/vocabulary.ts'

export const meta: MetaFunction = () => [{ title: 'Загрузка данных — Качество обслуживания' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRouteAccess(request, 'imports._index.tsx')
  const page = pageParam(request)
  const { database, org } = await getAppContext()
  const { rows, total } = await listImportBatches(database.db, org.id, page)
  const canUpload = hasAnyRole(user.roles, actionAccess.upload)
  const mappings = canUpload ? (await listMappings(database, org.id)).map((m) => ({ name: m.name, kind: m.kind, columns: mappingColumns(m.mapping) })) : []
  return { rows, total, page, pageSize: IMPORT_PAGE_SIZE, zone: org.time_zone, canUpload, mappings }
}

/** The form posted without JavaScript. */
export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(request, actionAccess.upload)
  const { database, org } = await getAppContext()
  const result = await acceptUpload(request, { database, orgId: org.id, zone: org.time_zone }, { userId: user.id, actor: user.login, ip: context?.ip ?? null })
  if (result.ok) return redirect(`/imports/${result.batchId}`)
  return data({ error: result.error }, { status: result.status })
}

export default function Imports() {
  // the page size comes from the loader: a value imported from a .server module is undefined in the browser
  const { rows, total, page, pageSize, zone, canUpload, mappings } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  return (
    <>
      <h1>Загрузка данных</h1>
      <p className="muted">
        Столбцы, типы, примеры и шаблоны — в <Link to="/imports/formats">описании форматов</Link>; файлы других систем —{' '}
        <Link to="/imports/mappings">сопоставления столбцов</Link>. Повторная загрузка того же файла ничего не меняет: записи обновляются по ключу (рег. номер,
        id звонка, номер талона, код офиса).
      </p>
      {canUpload ? (
        <UploadForm error={actionData?.error} mappings={mappings} />
      ) : (
        <p className="notice warn">Загружать файлы могут операторы и администраторы; вам доступна история загрузок.</p>
      )}
      <h2>История загрузок</h2>
      {rows.length === 0 ? (
        <p className="muted">Загрузок ещё не было.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>№</th>
              <th>Начата</th>
              <th>Вид</th>
              <th>Файл</th>
              <th>Статус</th>
              <th className="num">Прочитано</th>
              <th className="num">Сохранено</th>
              <th className="num">Отклонено</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((b) => (
              <tr key={b.id}>
                <td>
                  <Link to={`/imports/${b.id}`}>{b.id}</Link>
                </td>
                <td>{formatDateTime(b.startedAt, zone)}</td>
                <td>{labelOf(importKind, b.kind)}</td>
                <td>
                  {b.fileName}
                  {b.fileSize !== null ? <span className="muted"> · {formatBytes(b.fileSize)}</span> : null}
                  {b.source !== 'web' ? <span className="muted"> · {sourceLabel(b.source, b.tokenName)}</span> : null}
                </td>
                <td className={`status-${b.status}`}>{STATUS_LABELS[b.status]}</td>
                <td className="num">{formatCount(b.read)}</td>
                <td className="num">{formatCount(b.inserted + b.updated + b.unchanged + b.pending)}</td>
                <td className="num">{formatCount(b.rejected)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager page={page} total={total} pageSize={pageSize} />
    </>
  )
}
