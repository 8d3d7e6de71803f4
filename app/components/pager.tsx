import { Link } from '@remix-run/react'

/** «← новее · страница N из M · старее →» for lists ordered newest first; nothing when one page. */
export function Pager({ page, total, pageSize }: { page: number; total: number; pageSize: number }) {
  const pages = Math.max(1, Math.ceil(total / pageSize))
  if (pages <= 1) return null
  return (
    <div className="pager">
      {page > 1 ? <Link to={`?page=${page - 1}`}>← новее</Link> : null}
      <span className="muted">
        страница {page} из {pages}
      </span>
      {page < pages ? <Link to={`?page=${page + 1}`}>старее →</Link> : null}
    </div>
  )
}
