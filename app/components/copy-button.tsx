import { useEffect, useState } from 'react'

/** «Копировать ссылку»: puts the text on the clipboard and says so (issue 16). Without JavaScript nothing is shown. */
export function CopyButton({ text, label = 'Копировать ссылку' }: { text: string; label?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle')
  const [ready, setReady] = useState(false)
  // the button appears once the page is interactive (and the clipboard is there)
  useEffect(() => setReady(Boolean(navigator.clipboard)), [])
  if (!ready) return null
  return (
    <button
      type="button"
      className="secondary no-print"
      data-testid="copy-link"
      onClick={async () => {
        try {
          await navigator.clipboard.writeText(text)
          setState('copied')
        } catch {
          setState('failed')
        }
      }}
    >
      {state === 'copied' ? 'Скопировано' : state === 'failed' ? 'Не удалось: выделите ссылку и нажмите Ctrl+C' : label}
    </button>
  )
}
