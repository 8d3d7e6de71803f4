import { PassThrough } from 'node:stream'
import { buffer } from 'node:stream/consumers'
import { Suspense, createElement as h } from 'react'
import { renderToPipeableStream } from 'react-dom/server'
import { renderToReadableStream } from 'react-dom/server.browser'

/** A page like ours: Cyrillic options in a select, inside a Suspense boundary (Remix's data stream has one). */
const page = () =>
  h(
    'html',
    { lang: 'ru' },
    h(
      'body',
      null,
      h(
        Suspense,
        { fallback: null },
        h(
          'select',
          { name: 'office' },
          ...Array.from({ length: 400 }, (_, i) => h('option', { key: i, value: `ПОП-${String(i).padStart(2, '0')}` }, `Офис «Центральный» — окно ${i}`)),
        ),
      ),
    ),
  )

describe('the HTML renderer of entry.server.tsx', () => {
  it('control: react-dom 18.3.1’s Node streaming renderer leaves NUL bytes (react/react#31134)', async () => {
    const html = await new Promise<Buffer>((resolve, reject) => {
      const { pipe } = renderToPipeableStream(page(), {
        onAllReady() {
          const out = new PassThrough()
          buffer(out).then(resolve, reject)
          pipe(out)
        },
        onShellError: reject,
      })
    })
    expect(html.indexOf(0)).toBeGreaterThan(-1)
  })

  it('the web-streams renderer that entry.server.tsx uses writes none, and the same text', async () => {
    const stream = await renderToReadableStream(page())
    await stream.allReady
    const html = Buffer.from(await new Response(stream).arrayBuffer())
    expect(html.indexOf(0)).toBe(-1)
    expect(html.toString('utf8')).toContain('<option value="ПОП-05">Офис «Центральный» — окно 5</option>')
  })
})
