import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { ADAPTERS } from '#app/imports/adapters.ts'
import { mappingColumns } from '#app/imports/mapping.ts'
import { deleteMapping, listMappings } from '#app/imports/mappings.server.ts'
import { IMPORT_KINDS } from '#app/imports/kinds.ts'
import { getAppContext } from '#app/utils/app-database.server.ts'
import { requireRouteAccess } from '#app/utils/auth.server.ts'
import { formatDateTime } from '#reports/format.ts'
import { importKind, labelOf } from '#reports/vocabulary.ts'

export const meta: MetaFunction = () => [{ title: 'Сопоставления столбцов — Качество обслуживания' }]

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRouteAccess(request, 'imports.mappings._index.tsx')
  const { database, org } = await getAppContext()
  const mappings = (await listMappings(database, org.id)).map((m) => ({
    id: m.id,
    name: m.name,
    kind: m.kind,
    columns: mappingColumns(m.mapping),
    updatedAt: m.updatedAt,
  }))
  return { mappings, zone: org.time_zone, saved: new URL(request.url).searchParams.get('saved') }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRouteAccess(request, 'imports.mappings._index.tsx')
  const { database, org } = await getAppContext()
  const form = await request.formData()
  await deleteMapping(database, org.id, String(form.get('id') ?? ''), { userId: user.id, actor: user.login, ip: context?.ip ?? null })
  return redirect('/imports/mappings')
}

export default function Mappings() {
  const { mappings, zone, saved } = useLoaderData<typeof loader>()
  return (
    <>
      <h1>Сопоставления столбцов</h1>
      <p>
        <Link to="/imports">← Загрузка данных</Link> · <Link to="/imports/formats">Форматы файлов</Link>
      </p>
      <p className="muted">
        Сопоставление говорит, из какого столбца чужого файла (CSV или XLSX) брать каждый столбец продукта, как читать даты и как переводить значения («Физ.
        лицо» → individual). Сохранённое сопоставление выбирается при загрузке в поле «Формат», в API — <code>?mapping=название</code>, в папке загрузки —
        подпапкой <code>&lt;папка&gt;/&lt;вид&gt;/&lt;название&gt;/</code>. Файл с такими же заголовками получает его как предложение.
      </p>
      {saved ? <p className="notice">Сопоставление «{saved}» сохранено.</p> : null}
      <p>
        Новое:{' '}
        {IMPORT_KINDS.map((kind, i) => (
          <span key={kind}>
            {i ? ' · ' : ''}
            <Link to={`/imports/mappings/edit?kind=${kind}`}>{labelOf(importKind, kind)}</Link>
          </span>
        ))}
      </p>
      <p>
        На основе формата системы:{' '}
        {ADAPTERS.filter((a) => a.mapping).map((a, i) => (
          <span key={a.name}>
            {i ? ' · ' : ''}
            <Link to={`/imports/mappings/edit?kind=${a.kind}&from=${a.name}`}>{a.title}</Link>
          </span>
        ))}
      </p>
      {mappings.length === 0 ? (
        <p className="muted">Сопоставлений ещё нет.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Название</th>
              <th>Вид</th>
              <th>Читает столбцы</th>
              <th>Изменено</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {mappings.map((m) => (
              <tr key={m.id}>
                <td>
                  <Link to={`/imports/mappings/edit?kind=${m.kind}&name=${encodeURIComponent(m.name)}`}>{m.name}</Link>
                </td>
                <td>{labelOf(importKind, m.kind)}</td>
                <td>{m.columns.join(', ')}</td>
                <td>{formatDateTime(m.updatedAt, zone)}</td>
                <td>
                  <Form method="post">
                    <input type="hidden" name="id" value={m.id} />
                    <button type="submit" className="secondary">
                      Удалить
                    </button>
                  </Form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  )
}
