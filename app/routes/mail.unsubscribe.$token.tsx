import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { getAppContext } from '#app/utils/app-database.server.ts'
import { readUnsubscribeToken } from '#app/mail/token.server.ts'
import { unsubscribeByToken } from '#app/mail/subscriptions.server.ts'

export const meta: MetaFunction = () => [{ title: 'Отписка от писем — Качество обслуживания' }, { name: 'robots', content: 'noindex' }]

/** The link of every message: works without signing in; the token is signed (app/mail/token.server.ts). */
export async function loader({ params }: LoaderFunctionArgs) {
  const { database } = await getAppContext()
  const found = await readUnsubscribeToken(database.db, params.token ?? '')
  if (!found) throw new Response('Ссылка для отписки не найдена или испорчена.', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' } })
  return { address: found.address }
}

// a link opened by a mail scanner must not unsubscribe: the page asks, the button does it
export async function action({ params }: ActionFunctionArgs) {
  const { database } = await getAppContext()
  const done = await unsubscribeByToken(database.db, params.token ?? '')
  if (!done) throw new Response('Ссылка для отписки не найдена или испорчена.', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' } })
  return done
}

export default function Unsubscribe() {
  const { address } = useLoaderData<typeof loader>()
  const done = useActionData<typeof action>()
  return (
    <>
      <h1>Отписка от писем</h1>
      {done ? (
        <p className="notice ok" data-testid="unsubscribed">
          Готово: на адрес {done.address} больше не придёт {done.what}.
        </p>
      ) : (
        <Form method="post" className="card stack">
          <p>Больше не присылать эти письма на адрес {address}?</p>
          <button type="submit">Отписаться</button>
        </Form>
      )}
    </>
  )
}
