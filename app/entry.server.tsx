import type { AppLoadContext, EntryContext } from '@remix-run/node'
import { RemixServer } from '@remix-run/react'
import { renderToString } from 'react-dom/server'
import { NonceProvider } from '#app/components/nonce.tsx'
import { prepareDatabase } from '#app/utils/app-database.server.ts'

// Migrate, load the calendar and (on an empty embedded database) the demo as soon as the server starts,
// not on the first request.
prepareDatabase().catch((error) => {
  console.error(`Не удалось подготовить базу данных: ${(error as Error).message}`)
  process.exitCode = 1
})

/**
 * Pages are rendered to a string, not streamed: react-dom 18.3.1's streaming renderer can leave NUL bytes in
 * the HTML where a multi-byte character meets its 2 KB buffer's end (react/react#31134, fixed only in React 19,
 * which Remix 2 does not support) — 52 of 60 pages had them, some inside attribute values, so that a filter
 * option submitted «\uFFFDПОП-05». We waited for everything anyway (no deferred data), so nothing is lost.
 */
export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const nonce = loadContext?.nonce ?? ''
  const html = renderToString(
    <NonceProvider value={nonce}>
      <RemixServer context={remixContext} url={request.url} nonce={nonce} />
    </NonceProvider>,
  )
  responseHeaders.set('Content-Type', 'text/html; charset=utf-8')
  return new Response(`<!DOCTYPE html>${html}`, { headers: responseHeaders, status: responseStatusCode })
}
