import type { AppLoadContext, EntryContext } from '@remix-run/node'
import { RemixServer } from '@remix-run/react'
import { renderToReadableStream } from 'react-dom/server.browser'
import { NonceProvider } from '#app/components/nonce.tsx'
import { ChartMarkupProvider } from '#app/components/chart-markup.tsx'
import { drawChart } from '#app/utils/chart-markup.server.ts'
import { prepareDatabase } from '#app/utils/app-database.server.ts'
import { keepPage, pageMayBeKept } from '#app/utils/page-cache.server.ts'
import { NONCE_PLACEHOLDER, renderUnderWay, startRender, cachedRender, keepRender, renderKey, withNonce } from '#app/utils/render-cache.server.ts'

// server.mjs answers kept pages before Remix runs (app/utils/page-cache.server.ts, ADR 023)
export { runPage, servePage } from '#app/utils/page-cache.server.ts'

// Migrate, load the calendar and (on an empty embedded database) the demo as soon as the server starts,
// not on the first request.
prepareDatabase().catch((error) => {
  console.error(`Не удалось подготовить базу данных: ${(error as Error).message}`)
  process.exitCode = 1
})

const ABORT_DELAY = 10_000

/**
 * Pages are rendered by React's web-streams renderer (`react-dom/server.browser`), not by the Node one:
 * react-dom 18.3.1's `renderToPipeableStream` flushes its whole 2 KB buffer when a multi-byte character does
 * not fit at its end, so the HTML carried NUL bytes (react/react#31134; fixed only in React 19, which Remix 2
 * does not support) — 52 of 60 pages had them, some inside attribute values, so that a filter option was
 * submitted as «\uFFFDПОП-05». The web-streams renderer encodes each chunk whole and copies exactly its bytes.
 * (`renderToString` has no such bug but cannot carry Remix's single-fetch data stream: pages never hydrate.)
 * We still wait for everything: pages are read by people and by tests, not streamed piecemeal.
 *
 * A page whose address and loader data were rendered before is answered from the render cache
 * (app/utils/render-cache.server.ts, ADR 023): the HTML is a function of those, so only the nonce changes.
 */
export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const nonce = loadContext?.nonce ?? ''
  responseHeaders.set('Content-Type', 'text/html; charset=utf-8')
  const key = renderKey(request, responseStatusCode, remixContext)
  const kept = key ? (cachedRender(key) ?? (await renderUnderWay(key))) : undefined
  if (kept !== undefined) {
    keepWholePage(remixContext, responseStatusCode, responseHeaders, kept)
    return new Response(withNonce(kept, nonce), { headers: responseHeaders, status: responseStatusCode })
  }

  // requests for this content arriving meanwhile wait for this render (render-cache.server.ts)
  const rendered = key ? startRender(key) : undefined
  let status = responseStatusCode
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), ABORT_DELAY)
  try {
    // rendered with the placeholder when it may be kept, so the kept text serves every later request; a page
    // whose data cannot key the render cache (a Map, a Set…) may still be kept whole by the page cache
    const wholePage = status === 200 && pageMayBeKept(remixContext)
    const renderNonce = key || wholePage ? NONCE_PLACEHOLDER : nonce
    const body = await renderToReadableStream(
      <NonceProvider value={renderNonce}>
        <ChartMarkupProvider value={drawChart}>
          <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={renderNonce} />
        </ChartMarkupProvider>
      </NonceProvider>,
      {
        nonce: renderNonce,
        signal: controller.signal,
        onError(error: unknown) {
          status = 500
          console.error(error)
        },
      },
    )
    await body.allReady
    if (!key && !wholePage) return new Response(body, { headers: responseHeaders, status })
    const html = await new Response(body).text()
    if (status === 200) {
      if (key) keepRender(key, html)
      keepWholePage(remixContext, status, responseHeaders, html)
    }
    rendered?.(status === 200 ? html : undefined)
    return new Response(withNonce(html, nonce), { headers: responseHeaders, status })
  } finally {
    clearTimeout(timer)
    rendered?.(undefined)
  }
}

/** Offers the page to the page cache without delaying the answer (it reads the generation once more). */
function keepWholePage(context: EntryContext, status: number, headers: Headers, html: string) {
  keepPage(context, status, headers, html, NONCE_PLACEHOLDER).catch((error: unknown) => {
    console.error(`Страница не сохранена в кэше: ${(error as Error).message}`)
  })
}
