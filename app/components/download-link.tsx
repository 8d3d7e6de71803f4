import { type MouseEvent, type ReactNode, useState } from 'react'

/**
 * A file download that never blocks the page: with JavaScript the file is fetched in the background and
 * the link says «готовится…» once it takes longer than a second, then saves it; without JavaScript (or if
 * the fetch fails) it is an ordinary download link.
 */
export function DownloadLink({ href, children, testId }: { href: string; children: ReactNode; testId?: string }) {
  const [state, setState] = useState<'idle' | 'fetching' | 'preparing' | 'failed'>('idle')
  async function onClick(event: MouseEvent<HTMLAnchorElement>) {
    if (event.metaKey || event.ctrlKey || event.shiftKey || typeof fetch === 'undefined') return
    event.preventDefault()
    if (state === 'fetching' || state === 'preparing') return
    setState('fetching')
    const slow = setTimeout(() => setState('preparing'), 1000)
    try {
      const response = await fetch(href, { credentials: 'same-origin' })
      if (!response.ok) throw new Error(String(response.status))
      const disposition = response.headers.get('Content-Disposition') ?? ''
      const name = /filename\*=UTF-8''([^;]+)/.exec(disposition)?.[1]
      const blob = await response.blob()
      const url = URL.createObjectURL(blob)
      const a = document.createElement('a')
      a.href = url
      a.download = name ? decodeURIComponent(name) : ''
      document.body.append(a)
      a.click()
      a.remove()
      setTimeout(() => URL.revokeObjectURL(url), 10_000)
      setState('idle')
    } catch {
      setState('failed')
    } finally {
      clearTimeout(slow)
    }
  }
  return (
    <>
      <a
        href={href}
        download
        data-testid={testId}
        onClick={onClick}
        aria-busy={state === 'preparing' || undefined}
        className={state === 'preparing' ? 'preparing' : undefined}
      >
        {children}
      </a>
      {state === 'preparing' ? (
        <span className="muted" role="status" data-testid={testId ? `${testId}-status` : undefined}>
          {' '}
          готовится…
        </span>
      ) : null}
      {state === 'failed' ? (
        <span className="field-error" role="alert">
          {' '}
          Файл не удалось подготовить.{' '}
          <a href={href} download>
            Скачать ещё раз
          </a>
        </span>
      ) : null}
    </>
  )
}
