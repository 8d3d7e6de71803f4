import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  type NodeOnDiskFile,
  data,
  redirect,
  unstable_composeUploadHandlers,
  unstable_createFileUploadHandler,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
} from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { useMemo, useState } from 'react'
import { adapterByName } from '#app/imports/adapters.ts'
import { ImportFileError } from '#app/imports/errors.ts'
import { IMPORT_KINDS, type ImportKind, kindSpecs } from '#app/imports/kinds.ts'
import { type ColumnMapping, DATE_FORMATS, DATE_FORMAT_LABELS, type FieldRule, compileMapping, mapRow, mappingSchema } from '#app/imports/mapping.ts'
import { type MappingSample, readMappingSample } from '#app/imports/mapping-sample.server.ts'
import { findMapping, saveMapping } from '#app/imports/mappings.server.ts'
import { typeText } from '#app/imports/format-guide.ts'
import { FormError } from '#app/components/form-error.tsx'
import { getAppContext } from '#app/utils/app-database.server.ts'
import { requireRouteAccess } from '#app/utils/auth.server.ts'
import { importKind, labelOf } from '#reports/vocabulary.ts'

export const meta: MetaFunction = () => [{ title: 'Сопоставление столбцов — Качество обслуживания' }]

const SAMPLE_BYTES = 20 * 1024 * 1024

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRouteAccess(request, 'imports.mappings.edit.tsx')
  const { database, org } = await getAppContext()
  const params = new URL(request.url).searchParams
  const kind = (IMPORT_KINDS.includes(params.get('kind') as ImportKind) ? params.get('kind') : 'appeals') as ImportKind
  const name = params.get('name')
  const saved = name ? await findMapping(database, org.id, kind, name) : undefined
  const from = adapterByName(params.get('from') ?? '')
  const base: ColumnMapping = saved?.mapping ?? (from?.kind === kind ? from.mapping : undefined) ?? { kind, headers: [], fields: {} }
  return { kind, name: saved?.name ?? (from ? `${from.title} (своё)` : ''), mapping: base, note: from?.note ?? null, zone: org.time_zone }
}

type ActionData = { sample: MappingSample; error?: undefined } | { error: string; sample?: undefined }

/** A sample file (its header and first rows, read by the import's readers), or the mapping saved. */
export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRouteAccess(request, 'imports.mappings.edit.tsx')
  const { database, org } = await getAppContext()
  if ((request.headers.get('content-type') ?? '').startsWith('multipart/form-data')) {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sq-mapping-'))
    try {
      const form = await unstable_parseMultipartFormData(
        request,
        unstable_composeUploadHandlers(
          unstable_createFileUploadHandler({ directory: dir, maxPartSize: SAMPLE_BYTES, file: () => 'sample.bin' }),
          unstable_createMemoryUploadHandler({ maxPartSize: 10_000 }),
        ),
      ).catch(() => undefined)
      const file = form?.get('file') as NodeOnDiskFile | null | undefined
      if (!file || typeof file === 'string')
        return data<ActionData>({ error: `Выберите файл-образец (CSV или XLSX, не больше ${SAMPLE_BYTES / 1024 / 1024} МБ).` }, { status: 400 })
      try {
        return data<ActionData>({ sample: await readMappingSample(file.getFilePath()) })
      } catch (error) {
        if (error instanceof ImportFileError) return data<ActionData>({ error: error.message }, { status: 400 })
        throw error
      }
    } finally {
      await fs.rm(dir, { recursive: true, force: true })
    }
  }
  const form = await request.formData()
  let parsed: ColumnMapping
  try {
    parsed = mappingSchema.parse(JSON.parse(String(form.get('mapping') ?? '')))
  } catch (error) {
    return data<ActionData>({ error: `Сопоставление не сохранено: ${(error as Error).message}` }, { status: 400 })
  }
  const name = String(form.get('name') ?? '').trim()
  try {
    await saveMapping(database, org.id, { name, mapping: parsed }, { userId: user.id, actor: user.login, ip: context?.ip ?? null })
  } catch (error) {
    return data<ActionData>({ error: (error as Error).message }, { status: 400 })
  }
  return redirect(`/imports/mappings?saved=${encodeURIComponent(name)}`)
}

type Source = 'none' | 'column' | 'constant' | 'template'
const sourceOf = (rule: FieldRule | undefined): Source =>
  !rule ? 'none' : rule.template !== undefined ? 'template' : rule.column ? 'column' : rule.constant !== undefined ? 'constant' : 'none'

export default function MappingEditor() {
  const loaded = useLoaderData<typeof loader>()
  const posted = useActionData<typeof action>()
  const kind = loaded.kind
  const spec = kindSpecs[kind]
  const [name, setName] = useState(loaded.name)
  const [fields, setFields] = useState<Record<string, FieldRule>>(loaded.mapping.fields)
  const sample = posted?.sample
  const header = sample?.header ?? loaded.mapping.headers
  const mapping: ColumnMapping = { kind, headers: header, fields }
  const set = (column: string, rule: FieldRule | undefined) =>
    setFields((f) => {
      const next = { ...f }
      if (rule) next[column] = rule
      else delete next[column]
      return next
    })

  // the preview: the sample's rows through this very mapping and the import's validation
  const preview = useMemo(() => {
    if (!sample) return null
    const compiled = compileMapping(mapping, sample.header)
    if ('error' in compiled) return { error: compiled.error, rows: [] }
    return { error: null, rows: sample.rows.map((r) => ({ line: r.line, ...mapRow(compiled, r.cells, loaded.zone) })), unused: compiled.unused }
  }, [sample, fields]) // eslint-disable-line react-hooks/exhaustive-deps

  const distinct = (column: string | undefined) => {
    if (!column || !sample) return []
    const i = sample.header.findIndex((h) => h.trim().toLowerCase() === column.trim().toLowerCase())
    return i < 0 ? [] : [...new Set(sample.rows.map((r) => (r.cells[i] ?? '').trim()).filter(Boolean))].slice(0, 30)
  }
  const show = (v: unknown) =>
    v instanceof Date
      ? v.toLocaleString('ru-RU', { timeZone: loaded.zone })
      : v === null || v === undefined
        ? ''
        : typeof v === 'boolean'
          ? v
            ? 'да'
            : 'нет'
          : String(v)

  return (
    <>
      <h1>Сопоставление столбцов: {labelOf(importKind, kind)}</h1>
      <p>
        <Link to="/imports/mappings">← Сопоставления</Link> · <Link to={`/imports/formats#${kind}`}>Столбцы продукта</Link>
      </p>
      {loaded.note ? <p className="notice warn">{loaded.note}</p> : null}
      <Form method="post" encType="multipart/form-data" className="card" reloadDocument={false}>
        <label>
          Файл-образец (CSV или XLSX): его заголовки и первые строки для предварительного просмотра
          <input type="file" name="file" accept=".csv,.txt,.xlsx" required />
        </label>
        <button type="submit">Прочитать образец</button>
      </Form>
      <FormError message={posted?.error} />
      <table className="mapping">
        <thead>
          <tr>
            <th>Столбец продукта</th>
            <th>Откуда</th>
            <th>Как читать</th>
          </tr>
        </thead>
        <tbody>
          {spec.columns.map((c) => {
            const rule = fields[c.name]
            const source = sourceOf(rule)
            return (
              <tr key={c.name}>
                <td>
                  <code>{c.name}</code> ({c.alias}){c.required ? <strong> *</strong> : null}
                  <div className="muted">{typeText(c)}</div>
                </td>
                <td>
                  <select
                    aria-label={`Источник ${c.name}`}
                    value={source === 'column' ? `column:${rule!.column}` : source}
                    onChange={(e) => {
                      const v = e.currentTarget.value
                      if (v === 'none') set(c.name, undefined)
                      else if (v === 'constant') set(c.name, { constant: '' })
                      else if (v === 'template') set(c.name, { template: '' })
                      else set(c.name, { ...(rule?.column ? rule : {}), constant: undefined, template: undefined, column: v.slice(7) })
                    }}
                  >
                    <option value="none">— нет —</option>
                    {header.filter(Boolean).map((h) => (
                      <option key={h} value={`column:${h}`}>
                        столбец «{h}»
                      </option>
                    ))}
                    {source === 'column' && !header.includes(rule!.column!) ? <option value={`column:${rule!.column}`}>столбец «{rule!.column}»</option> : null}
                    <option value="constant">постоянное значение</option>
                    <option value="template">шаблон из столбцов</option>
                  </select>
                  {source === 'constant' ? (
                    <input aria-label={`Значение ${c.name}`} value={rule!.constant ?? ''} onChange={(e) => set(c.name, { constant: e.currentTarget.value })} />
                  ) : null}
                  {source === 'template' ? (
                    <input
                      aria-label={`Шаблон ${c.name}`}
                      placeholder="{Столбец1}-{Столбец2}"
                      value={rule!.template ?? ''}
                      onChange={(e) => set(c.name, { template: e.currentTarget.value })}
                    />
                  ) : null}
                </td>
                <td>
                  {c.field.type === 'timestamp' && source === 'column' ? (
                    <>
                      <select
                        aria-label={`Формат даты ${c.name}`}
                        value={rule!.date ?? 'auto'}
                        onChange={(e) => set(c.name, { ...rule, date: e.currentTarget.value as FieldRule['date'] })}
                      >
                        {DATE_FORMATS.map((f) => (
                          <option key={f} value={f}>
                            {DATE_FORMAT_LABELS[f]}
                          </option>
                        ))}
                      </select>
                      <label style={{ display: 'block' }}>
                        <input
                          type="checkbox"
                          checked={rule!.utc ?? false}
                          onChange={(e) => set(c.name, { ...rule, utc: e.currentTarget.checked || undefined })}
                        />{' '}
                        время в UTC
                      </label>
                      <label style={{ display: 'block' }}>
                        прибавить секунды из столбцов (через запятую):{' '}
                        <input
                          value={(rule!.plusSeconds ?? []).join(', ')}
                          onChange={(e) => {
                            const list = e.currentTarget.value
                              .split(',')
                              .map((s) => s.trim())
                              .filter(Boolean)
                            set(c.name, { ...rule, plusSeconds: list.length ? list : undefined })
                          }}
                        />
                      </label>
                    </>
                  ) : null}
                  {(c.field.type === 'enum' || c.field.type === 'bool') && source === 'column' ? (
                    <div>
                      {distinct(rule!.column).map((v) => (
                        <label key={v} style={{ display: 'block' }}>
                          «{v}» →{' '}
                          <select
                            aria-label={`Значение «${v}» для ${c.name}`}
                            value={rule!.values?.[v] ?? ''}
                            onChange={(e) => {
                              const values = { ...(rule!.values ?? {}) }
                              if (e.currentTarget.value) values[v] = e.currentTarget.value
                              else delete values[v]
                              set(c.name, { ...rule, values: Object.keys(values).length ? values : undefined })
                            }}
                          >
                            <option value="">как есть</option>
                            {c.field.type === 'enum'
                              ? Object.entries(c.field.vocabulary).map(([code, term]) => (
                                  <option key={code} value={code}>
                                    {code} — {term.label}
                                  </option>
                                ))
                              : [
                                  <option key="1" value="да">
                                    да
                                  </option>,
                                  <option key="0" value="нет">
                                    нет
                                  </option>,
                                ]}
                          </select>
                        </label>
                      ))}
                      {Object.entries(rule!.values ?? {})
                        .filter(([v]) => !distinct(rule!.column).includes(v))
                        .map(([v, code]) => (
                          <div key={v} className="muted">
                            «{v}» → {code}
                          </div>
                        ))}
                    </div>
                  ) : null}
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
      {preview ? (
        <section className="card">
          <h2>Так будут прочитаны первые строки</h2>
          {preview.error ? (
            <p className="notice warn">{preview.error}</p>
          ) : (
            <table data-testid="mapping-preview">
              <thead>
                <tr>
                  <th>Строка</th>
                  {spec.columns
                    .filter((c) => fields[c.name])
                    .map((c) => (
                      <th key={c.name}>{c.name}</th>
                    ))}
                  <th>Ошибки</th>
                </tr>
              </thead>
              <tbody>
                {preview.rows.map((r) => (
                  <tr key={r.line} className={r.problems.length ? 'bad' : undefined}>
                    <td>{r.line}</td>
                    {spec.columns
                      .filter((c) => fields[c.name])
                      .map((c) => (
                        <td key={c.name}>{show(r.row[c.name])}</td>
                      ))}
                    <td>{r.problems.map((p) => `${p.column}: ${p.reason}`).join('; ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      ) : null}
      <Form method="post" className="card">
        <input type="hidden" name="mapping" value={JSON.stringify(mapping)} />
        <label>
          Название сопоставления
          <input name="name" value={name} onChange={(e) => setName(e.currentTarget.value)} required maxLength={100} />
        </label>
        <button type="submit">Сохранить сопоставление</button>
      </Form>
    </>
  )
}
