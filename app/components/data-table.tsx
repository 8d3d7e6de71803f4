/**
 * A server-side table: TanStack Table in manual mode renders what the loader sent; sorting and paging are
 * links that change the URL (the loader's parameters are the truth), so the table works without JavaScript.
 */
import { Form, Link, useSearchParams } from '@remix-run/react'
import { type ColumnDef, flexRender, getCoreRowModel, useReactTable } from '@tanstack/react-table'
import { useMemo } from 'react'
import { formatCount } from '#reports/format.ts'
import { PAGE_SIZES, type TableParams } from '#app/utils/table-params.ts'

export interface TableColumn {
  id: string
  label: string
  sortable: boolean
  numeric?: boolean
}

export type TableRow = Record<string, string> & { id: string }

export function DataTable({
  columns,
  rows,
  total,
  params,
  rowLink,
  testId,
}: {
  columns: TableColumn[]
  rows: TableRow[]
  total: number
  params: TableParams
  rowLink?: (row: TableRow) => string
  testId?: string
}) {
  const [search] = useSearchParams()
  const hrefWith = (changes: Record<string, string>) => {
    const next = new URLSearchParams(search)
    for (const [k, v] of Object.entries(changes)) next.set(k, v)
    return `?${next}`
  }
  const defs = useMemo<ColumnDef<TableRow>[]>(
    () => columns.map((c) => ({ id: c.id, accessorFn: (row: TableRow) => row[c.id] ?? '', header: c.label, enableSorting: c.sortable, meta: c })),
    [columns],
  )
  const table = useReactTable({
    data: rows,
    columns: defs,
    getCoreRowModel: getCoreRowModel(),
    manualSorting: true,
    manualPagination: true,
    enableSortingRemoval: false,
    rowCount: total,
    state: { sorting: [{ id: params.sort, desc: params.dir === 'desc' }], pagination: { pageIndex: params.page - 1, pageSize: params.size } },
    getRowId: (row) => row.id,
  })
  const pages = Math.max(1, Math.ceil(total / params.size))
  return (
    <>
      <div className="table-scroll">
        <table data-testid={testId}>
          <thead>
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id}>
                {group.headers.map((header) => {
                  const c = header.column.columnDef.meta as TableColumn
                  const sorted = header.column.getIsSorted()
                  const label = flexRender(header.column.columnDef.header, header.getContext())
                  return (
                    <th
                      key={header.id}
                      className={c.numeric ? 'num' : undefined}
                      aria-sort={sorted ? (sorted === 'desc' ? 'descending' : 'ascending') : undefined}
                    >
                      {header.column.getCanSort() ? (
                        <Link to={hrefWith({ sort: c.id, dir: sorted === 'asc' ? 'desc' : 'asc', page: '1' })} preventScrollReset>
                          {label}
                          {sorted ? (sorted === 'desc' ? ' ↓' : ' ↑') : ''}
                        </Link>
                      ) : (
                        label
                      )}
                    </th>
                  )
                })}
              </tr>
            ))}
          </thead>
          <tbody>
            {table.getRowModel().rows.length === 0 ? (
              <tr>
                <td colSpan={columns.length} className="muted">
                  Записей нет.
                </td>
              </tr>
            ) : null}
            {table.getRowModel().rows.map((row) => (
              <tr key={row.id}>
                {row.getVisibleCells().map((cell, i) => {
                  const c = cell.column.columnDef.meta as TableColumn
                  const text = cell.getValue<string>()
                  return (
                    <td key={cell.id} className={c.numeric ? 'num' : undefined}>
                      {i === 0 && rowLink ? <Link to={rowLink(row.original)}>{text || '—'}</Link> : text}
                    </td>
                  )
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="pager" data-testid="pager">
        {params.page > 1 ? (
          <>
            <Link to={hrefWith({ page: '1' })} data-testid="page-first" title="первая страница">
              « первая
            </Link>
            <Link to={hrefWith({ page: String(params.page - 1) })} data-testid="page-prev">
              ← назад
            </Link>
          </>
        ) : null}
        <span className="muted">
          страница {formatCount(params.page)} из {formatCount(pages)} · записей: {formatCount(total)}
        </span>
        {params.page < pages ? (
          <>
            <Link to={hrefWith({ page: String(params.page + 1) })} data-testid="page-next">
              вперёд →
            </Link>
            <Link to={hrefWith({ page: String(pages) })} data-testid="page-last" title="последняя страница">
              последняя »
            </Link>
          </>
        ) : null}
        {pages > 1 ? (
          // a plain GET form: the other parameters (filters, sort, size) travel as hidden fields
          <Form method="get" className="page-jump" data-testid="page-jump" preventScrollReset>
            {[...search.entries()]
              .filter(([k]) => k !== 'page')
              .map(([k, v], i) => (
                <input key={`${k}-${i}`} type="hidden" name={k} value={v} />
              ))}
            <label>
              на страницу <input type="number" name="page" min={1} max={pages} defaultValue={params.page} key={params.page} inputMode="numeric" required />
            </label>{' '}
            <button type="submit">Перейти</button>
          </Form>
        ) : null}
        <span className="muted">по</span>
        {PAGE_SIZES.map((size) =>
          size === params.size ? (
            <strong key={size}>{size}</strong>
          ) : (
            <Link key={size} to={hrefWith({ size: String(size), page: '1' })}>
              {size}
            </Link>
          ),
        )}
      </div>
    </>
  )
}
