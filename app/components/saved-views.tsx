import { Form, Link, useActionData } from '@remix-run/react'

/**
 * The user's saved views of the cockpit: each a link (the URL is the view, so it can be sent to a colleague),
 * and a field to save the current filters under a name.
 */
export function SavedViews({ saved, query }: { saved: { id: string; name: string; query: string }[]; query: string }) {
  const answer = useActionData<{ savedViewError?: string }>()
  return (
    <div className="saved-views" data-testid="saved-views">
      <span className="muted">Мои виды:</span>
      {saved.length === 0 ? <span className="muted">пока нет</span> : null}
      {saved.map((v) => (
        <span key={v.id} className="saved-view">
          <Link to={`/dashboard?${v.query}`} title="Ссылку можно отправить коллеге: он увидит вид в пределах своих филиалов">
            {v.name}
          </Link>
          <Form method="post" className="inline">
            <input type="hidden" name="intent" value="delete-view" />
            <input type="hidden" name="id" value={v.id} />
            <input type="hidden" name="query" value={query} />
            <button type="submit" className="link" aria-label={`Удалить вид «${v.name}»`} title="Удалить">
              ×
            </button>
          </Form>
        </span>
      ))}
      <Form method="post" className="inline save-view">
        <input type="hidden" name="intent" value="save-view" />
        <input type="hidden" name="query" value={query} />
        <input type="text" name="name" placeholder="Название вида" maxLength={80} required aria-label="Название вида" />
        <button type="submit" className="secondary">
          Сохранить вид
        </button>
      </Form>
      {answer?.savedViewError ? <span className="field-error">{answer.savedViewError}</span> : null}
    </div>
  )
}
