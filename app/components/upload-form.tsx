import { useNavigate } from '@remix-run/react'
import { type FormEvent, useState } from 'react'
import { importKind } from '#reports/vocabulary.ts'
import { FormError } from './form-error.tsx'

/**
 * The upload form. Without JavaScript it is an ordinary multipart form; with it, the file goes up by
 * XHR so that the upload itself has a progress bar, then the import page follows the processing.
 */
export function UploadForm({ error }: { error?: string }) {
  const navigate = useNavigate()
  const [sent, setSent] = useState<{ loaded: number; total: number } | null>(null)
  const [failure, setFailure] = useState<string | undefined>(error)

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const form = event.currentTarget
    const xhr = new XMLHttpRequest()
    xhr.open('POST', '/imports/upload')
    xhr.setRequestHeader('Accept', 'application/json')
    xhr.upload.onprogress = (e) => setSent({ loaded: e.loaded, total: e.total })
    xhr.onload = () => {
      let body: { url?: string; error?: string } = {}
      try {
        body = JSON.parse(xhr.responseText) as typeof body
      } catch {
        // not JSON: reported below
      }
      if (xhr.status === 200 && body.url) navigate(body.url)
      else {
        setSent(null)
        setFailure(body.error ?? `Сервер не принял файл (код ${xhr.status}).`)
      }
    }
    xhr.onerror = () => {
      setSent(null)
      setFailure('Связь с сервером прервалась во время загрузки файла.')
    }
    setFailure(undefined)
    setSent({ loaded: 0, total: 1 })
    xhr.send(new FormData(form))
  }

  return (
    <form className="upload card" method="post" action="/imports?index" encType="multipart/form-data" onSubmit={onSubmit}>
      <label>
        Что содержит файл
        <select name="kind" defaultValue="appeals" required>
          {Object.entries(importKind).map(([code, term]) => (
            <option key={code} value={code}>
              {term.label[0]!.toUpperCase() + term.label.slice(1)}
            </option>
          ))}
        </select>
      </label>
      <label>
        Файл CSV (UTF-8 или Windows-1251, разделитель «,» или «;»), XLSX или журнал Asterisk queue_log
        <input type="file" name="file" required accept=".csv,.txt,.xlsx,.log,text/csv" />
      </label>
      <label style={{ display: 'flex', gap: '0.5rem', alignItems: 'center' }}>
        <input type="checkbox" name="skipInvalid" />
        Пропускать ошибочные строки (по умолчанию файл с ошибками не загружается целиком)
      </label>
      <button type="submit" disabled={sent !== null}>
        Загрузить
      </button>
      {sent ? (
        <div>
          <progress value={sent.loaded} max={sent.total || 1} aria-label="Передача файла" />
          <div className="muted">Передача файла: {Math.round((sent.loaded / (sent.total || 1)) * 100)} %</div>
        </div>
      ) : null}
      <FormError message={failure} />
    </form>
  )
}
