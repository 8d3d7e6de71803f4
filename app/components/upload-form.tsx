import { useNavigate } from '@remix-run/react'
import { type ChangeEvent, type FormEvent, useState } from 'react'
import { ADAPTERS } from '#app/imports/adapters.ts'
import { headerKey } from '#app/imports/mapping.ts'
import { xlsxHeader } from '#app/imports/xlsx-header.ts'
import { importKind, labelOf } from '#reports/vocabulary.ts'
import { FormError } from './form-error.tsx'

/**
 * The upload form. Without JavaScript it is an ordinary multipart form; with it, the file goes up by
 * XHR so that the upload itself has a progress bar, then the import page follows the processing.
 */
/** A saved mapping as the form needs it: the columns it reads tell whether a chosen file fits it. */
export interface MappingChoice {
  name: string
  kind: string
  columns: string[]
}

/** The first line of a CSV chosen in the browser, split into headers (UTF-8, else Windows-1251). */
async function csvHeader(file: File): Promise<string[] | undefined> {
  if (!/\.(csv|txt)$/i.test(file.name)) return undefined
  const bytes = new Uint8Array(await file.slice(0, 64 * 1024).arrayBuffer())
  // strict UTF-8, allowing a character cut by the end of the slice; else Windows-1251 (the import's rule)
  let text: string | undefined
  for (let cut = 0; cut <= (file.size > bytes.length ? 3 : 0) && text === undefined; cut++) {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, bytes.length - cut))
    } catch {
      // a shorter sample
    }
  }
  text ??= new TextDecoder('windows-1251').decode(bytes)
  const line = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? ''
  const delimiter = (line.match(/;/g)?.length ?? 0) > (line.match(/,/g)?.length ?? 0) ? ';' : ','
  return line.split(delimiter).map((h) => h.trim().replace(/^"|"$/g, ''))
}

export function UploadForm({ error, mappings = [] }: { error?: string; mappings?: MappingChoice[] }) {
  const navigate = useNavigate()
  const [kind, setKind] = useState('appeals')
  const [how, setHow] = useState('')
  const [offer, setOffer] = useState<string | null>(null)
  const [header, setHeader] = useState<string[] | undefined>(undefined)

  /** A file whose headers fit a saved mapping of the kind is offered it (the mapping is chosen, and said so). */
  function offerFor(nextKind: string, fileHeader: string[] | undefined) {
    if (!fileHeader) return setOffer(null)
    const have = new Set(fileHeader.map(headerKey))
    const fit = mappings.find((m) => m.kind === nextKind && m.columns.length > 0 && m.columns.every((c) => have.has(headerKey(c))))
    setOffer(fit ? fit.name : null)
    if (fit) setHow(`mapping:${fit.name}`)
  }

  async function onFile(event: ChangeEvent<HTMLInputElement>) {
    const file = event.currentTarget.files?.[0]
    // CSV: its first line; XLSX: row 1 of its first sheet (read in the browser, xlsx-header.ts)
    const read = file && /\.xlsx$/i.test(file.name) ? xlsxHeader : csvHeader
    const fileHeader = file ? await read(file).catch(() => undefined) : undefined
    setHeader(fileHeader)
    offerFor(kind, fileHeader)
  }
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
        <select
          name="kind"
          value={kind}
          required
          onChange={(e) => {
            setKind(e.currentTarget.value)
            setHow('')
            offerFor(e.currentTarget.value, header)
          }}
        >
          {Object.entries(importKind).map(([code, term]) => (
            <option key={code} value={code}>
              {term.label[0]!.toUpperCase() + term.label.slice(1)}
            </option>
          ))}
        </select>
      </label>
      <label>
        Файл CSV (UTF-8 или Windows-1251, разделитель «,» или «;»), XLSX или журнал Asterisk queue_log
        <input type="file" name="file" required accept=".csv,.txt,.xlsx,.log,text/csv" onChange={onFile} />
      </label>
      <label>
        Формат
        <select name="how" value={how} onChange={(e) => setHow(e.currentTarget.value)}>
          <option value="">определить автоматически</option>
          <optgroup label="Системы (адаптеры)">
            {ADAPTERS.filter((a) => a.kind === kind).map((a) => (
              <option key={a.name} value={`format:${a.name}`}>
                {a.title}
              </option>
            ))}
            {kind === 'calls' ? <option value="format:queue_log">Asterisk queue_log</option> : null}
            <option value="format:canonical">основной формат продукта</option>
          </optgroup>
          {mappings.some((m) => m.kind === kind) ? (
            <optgroup label="Сохранённые сопоставления столбцов">
              {mappings
                .filter((m) => m.kind === kind)
                .map((m) => (
                  <option key={m.name} value={`mapping:${m.name}`}>
                    {m.name}
                  </option>
                ))}
            </optgroup>
          ) : null}
        </select>
      </label>
      {offer ? (
        <p className="notice" data-testid="mapping-offer">
          Заголовки файла подходят к сохранённому сопоставлению «{offer}» — оно выбрано в поле «Формат».
        </p>
      ) : null}
      <p className="muted">
        Столбцы, типы и шаблоны для «{labelOf(importKind, kind)}» — в <a href={`/imports/formats#${kind}`}>описании форматов</a>; файл другой системы можно
        сопоставить со столбцами продукта на странице <a href="/imports/mappings">«Сопоставления столбцов»</a>.
      </p>
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
