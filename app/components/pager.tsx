import { Link } from '@remix-run/react'

/** «← новее · страница N из M · старее →» for lists ordered newest first; nothing when one page. */
export function Pager({ page, total, pageSize, query = '' }: { page: number; total: number; pageSize: number; query?: string }) {
  const pages = Math.max(1, Math.ceil(total / pageSize))
  if (pages <= 1) return null
  // the other parameters (filters) travel with the page
  const to = (n: number) => `?${query ? `${query}&` : ''}page=${n}`
  return (
    <div className="pager">
      {page > 1 ? <Link to={to(page - 1)}>← новее</Link> : null}
      <span className="muted">
        страница {page} из {pages}
      </span>
      {page < pages ? <Link to={to(page + 1)}>старее →</Link> : null}
    </div>
  )
}
