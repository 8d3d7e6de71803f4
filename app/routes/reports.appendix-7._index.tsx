import { yearPeriod } from '#reports/metrics/period.ts'
import { FieldError, fieldErrorsOf, invalid } from '#app/components/form-error.tsx'
import { randomUUID } from 'node:crypto'
import { cachedView } from '#app/utils/view-cache.server.ts'
import { buffer } from 'node:stream/consumers'
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from '@remix-run/node'
import { Form, Link, redirect, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { InputError } from '#reports/errors.ts'
import { SheetTable } from '#app/components/sheet-table.tsx'
import { freezeAppendix7 } from '#app/models/appendix7-commands.server.ts'
import { id, parseInput, refusalOfError, text, z } from '#app/utils/input.ts'
import { actionAccess, hasAnyRole } from '#app/utils/access.ts'
import { requireRole } from '#app/utils/auth.server.ts'
import { formatCount, formatDateTime } from '#reports/format.ts'
import { reportRequest } from '#app/utils/report-view.server.ts'
import { aboutAppendix7, appendix7FileName, prepareAppendix7, writeAppendix7 } from '#reports/appendix-7/build.server.ts'
import { appendix7Context } from '#reports/appendix-7/context.server.ts'
import { definitionsOf } from '#reports/appendix-7/figures.server.ts'
import { describePolicies } from '#reports/appendix-7/policies.ts'
import { registerCells, registerRows } from '#reports/appendix-7/register.server.ts'
import { diffFigures, latestOfScope, listPublications, listSnapshots } from '#reports/appendix-7/snapshots.server.ts'
import { generatedLine } from '#reports/registry.server.ts'
import { signerOf, writeAppendix7Pdf } from '#reports/appendix-7/pdf.server.ts'
import { withYears } from '#reports/appendix-7/template.ts'
import type { Cell } from '#reports/sheet-writer/model.ts'
import { snapshotFileHref } from '#app/utils/files.ts'

export const meta: MetaFunction = () => [{ title: 'Приложение 7 — Качество обслуживания' }]

const PREVIEW_ROWS = 20
const SECTION_TITLE = (code: string, name: string) => `Раздел ${code}. ${name}`

// everything this page shows comes from watched data: whole pages may be answered from the page cache (ADR 023)
export const handle = { pageCache: true }

export async function loader({ request }: LoaderFunctionArgs) {
  const rr = await reportRequest(request, 'reports.appendix-7._index.tsx')
  // the context (its rollup refresh takes an advisory lock), tables, checks and the 4.9 preview are kept per
  // data generation; «as of now» until the next deadline passes (view-cache.server.ts)
  const { ctx, report, preview } = await cachedView(
    rr.database,
    {
      view: 'appendix-7',
      scope: rr.scope,
      params: { year: rr.year, asOf: rr.asOfText },
      asOfNow: rr.asOfText === null,
      periodEnd: yearPeriod(rr.year, rr.org.time_zone).end,
    },
    async () => {
      const ctx = await appendix7Context(rr.database, rr.scope, rr.year, rr.asOf)
      const report = await prepareAppendix7(ctx)
      const register = report.built.register
      let preview: { header: Cell[][]; body: Cell[][]; code: string; title: string } | null = null
      if (register) {
        const body: Cell[][] = []
        for await (const page of registerRows(ctx, report.built.forms, PREVIEW_ROWS)) {
          page.forEach((row, i) => body.push(registerCells(register, row, i + 1)))
          break
        }
        const header: Cell[][] = register.header.map((row) => row.map((c) => ({ v: c.text, s: 'head' as const, colspan: c.colspan, rowspan: c.rowspan })))
        if (register.numbered) header.push(register.widths.map((_, i) => ({ v: i + 1, s: 'center' as const })))
        preview = { header, body, code: register.code, title: withYears(register.title, rr.year) }
      }
      return { ctx, report, preview }
    },
  )
  const snapshots = await listSnapshots(rr.database.db, rr.scope, rr.year)
  // compared with the latest snapshot of the same scope only: a one-branch snapshot is not the organisation's
  const latest = await latestOfScope(rr.database.db, rr.scope, rr.year)
  const changes = latest ? { id: latest.id, count: diffFigures(latest.figures, report.figures).length } : null
  return {
    year: rr.year,
    asOf: rr.asOfText,
    asOfShown: formatDateTime(rr.asOf, rr.org.time_zone),
    query: rr.query,
    org: rr.org.name,
    template: { version: ctx.template.version, name: ctx.template.name, basis: ctx.template.basis, sections: ctx.template.sections },
    dataWarnings: report.dataWarnings,
    orgWide: rr.scope.branches === 'all',
    freezeKey: randomUUID(),
    tables: report.built.tables.map((t) => ({ code: t.code, section: t.section, kind: t.kind, title: t.title, header: t.header, body: t.body })),
    registerRowCount: report.registerRows,
    preview,
    checks: report.checks,
    policies: describePolicies(ctx.policies),
    definitions: definitionsOf(report.built.tables),
    snapshots: snapshots.map((s) => ({
      ...s,
      frozenAt: formatDateTime(s.frozenAt, rr.org.time_zone),
      asOf: formatDateTime(s.asOf, rr.org.time_zone),
      filed: s.filed ? { ...s.filed, on: s.filed.on.split('-').reverse().join('.'), at: formatDateTime(s.filed.at, rr.org.time_zone) } : null,
    })),
    changesSinceLatest: changes,
    publications: (await listPublications(rr.database.db, rr.scope)).map((p) => ({
      id: p.id,
      year: p.year,
      filed: p.filed ? `${p.filed.on.split('-').reverse().join('.')}, вх. № ${p.filed.number}` : '',
      publicEnabled: p.publicEnabled,
      replacedBy: p.replacedBy,
    })),
    canFreeze: hasAnyRole(rr.user.roles, actionAccess.reportInput),
  }
}

const freezeForm = z.object({
  intent: z.literal('freeze', { error: 'Неизвестное действие.' }),
  key: text({ max: 100 }),
  replaces: z.union([z.literal(''), id('Неверный номер заменяемого отчёта.')]).catch(''),
  changeNote: text({ max: 2000, raw: true }),
})

export async function action({ request, context }: ActionFunctionArgs) {
  await requireRole(request, actionAccess.reportInput)
  const rr = await reportRequest(request, 'reports.appendix-7._index.tsx', context)
  const parsed = parseInput(freezeForm, await request.formData(), { changeNote: 'Что исправлено' })
  if (!parsed.ok) {
    if ('intent' in parsed.fieldErrors) throw new Response('Неизвестное действие.', { status: 400 })
    return data({ error: parsed.error, fieldErrors: parsed.fieldErrors }, { status: 400 })
  }
  const { key, replaces, changeNote: note } = parsed.data
  const report = await prepareAppendix7(await appendix7Context(rr.database, rr.scope, rr.year, rr.asOf))
  const who = `${rr.user.fullName} (${rr.user.login})`
  const fileName = appendix7FileName(report, 'xlsx')
  const generated = generatedLine(rr.org.time_zone, who)
  const file = await buffer(writeAppendix7('xlsx', report, aboutAppendix7(report, [generated, ['Зафиксирован', who]])))
  // the PDF of the same figures, kept as it is signed and filed
  const pdf = await buffer(writeAppendix7Pdf(report, await signerOf(rr.database.db, rr.org.id), generated[1]))
  try {
    const { id } = await freezeAppendix7(rr.database.db, rr.actor, {
      report,
      file,
      fileName,
      options: { key, pdf, replaces: replaces ? { id: replaces, note } : undefined },
    })
    return redirect(`/reports/appendix-7/snapshots/${id}`)
  } catch (error) {
    if (error instanceof InputError) return data({ ...refusalOfError(error) }, { status: 400 })
    throw error
  }
}

export default function Appendix7() {
  const data = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const errors = fieldErrorsOf(result)
  const navigation = useNavigation()
  const freezing = navigation.state !== 'idle' && navigation.formData?.get('intent') === 'freeze'
  const failed = data.checks.filter((c) => !c.passed)
  const filedToReplace = data.snapshots.filter((s) => s.filed && !s.replacedBy && s.orgWide)
  let section = ''
  return (
    <>
      <h1>Приложение 7 за {data.year} год</h1>
      <p className="muted">
        {data.template.name}. {data.template.basis} Шаблон {data.template.version}.
      </p>
      {data.dataWarnings.length ? (
        <div className="notice warning" data-testid="data-warnings" role="alert">
          <strong>Данные неполные — проверьте журналы до выгрузки и подачи.</strong>
          <ul>
            {data.dataWarnings.map((w) => (
              <li key={`${w.log}-${w.year}`} data-kind={w.kind}>
                {w.text}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <Form method="get" className="card" style={{ display: 'flex', gap: '1rem', flexWrap: 'wrap', alignItems: 'end' }}>
        <label>
          Год <input type="number" name="year" min={2000} max={2100} defaultValue={data.year} style={{ width: '6rem' }} />
        </label>
        <label>
          Исходы ответов по состоянию на (конец дня; пусто — сейчас) <input type="date" name="asOf" defaultValue={data.asOf ?? ''} />
        </label>
        <button type="submit">Показать</button>
      </Form>

      <section className="card" data-testid="checks">
        <h2>Проверки согласованности</h2>
        <p>
          {failed.length ? (
            <span className="check-failed">
              Не пройдено: {failed.length} из {data.checks.length}. Файл можно скачать — он скажет об этом на листе «Проверки».
            </span>
          ) : data.dataWarnings.length ? (
            <span className="check-warning">
              Проверки согласованности ({data.checks.length}) пройдены, но данные журналов неполные:{' '}
              {data.dataWarnings.some((w) => w.kind === 'none') ? 'за год без записей графы показывают «нет данных»' : 'есть месяцы без записей'} (см. ниже).
            </span>
          ) : (
            <span className="check-passed">Все {data.checks.length} проверок пройдены.</span>
          )}
        </p>
        <table>
          <thead>
            <tr>
              <th>Проверка</th>
              <th>Результат</th>
              <th>Подробности</th>
              <th className="num">Обращения</th>
            </tr>
          </thead>
          <tbody>
            {data.checks.map((c) => (
              <tr key={c.id} data-check={c.id} data-passed={c.passed ? 'yes' : 'no'}>
                <td>{c.title}</td>
                <td className={c.passed ? 'check-passed' : c.severity === 'error' ? 'check-failed' : 'check-warning'}>
                  {c.passed ? 'пройдена' : c.severity === 'error' ? 'не пройдена' : 'предупреждение'}
                </td>
                <td>{c.detail}</td>
                <td className="num">{c.records ? <Link to={`/reports/appendix-7/checks/${c.id}?${data.query}`}>{formatCount(c.records)}</Link> : null}</td>
              </tr>
            ))}
            {data.dataWarnings.length === 0 ? (
              <tr data-check="data-coverage" data-passed="yes">
                <td>Полнота данных журналов за отчётный и предыдущий год</td>
                <td className="check-passed">пройдена</td>
                <td>записи есть за каждый месяц</td>
                <td />
              </tr>
            ) : (
              data.dataWarnings.map((w) => (
                <tr key={`${w.log}-${w.year}`} data-check="data-coverage" data-passed="no">
                  <td>Полнота данных журналов за отчётный и предыдущий год</td>
                  <td className="check-warning">{w.kind === 'none' ? 'нет данных' : 'неполные данные'}</td>
                  <td>{w.text}</td>
                  <td />
                </tr>
              ))
            )}
          </tbody>
        </table>
      </section>

      <section className="card">
        <h2>Скачать</h2>
        <p>
          <a href={`/reports/appendix-7/download/xlsx?${data.query}`} data-testid="download-xlsx" download>
            Приложение 7 — XLSX
          </a>
          {' · '}
          <a href={`/reports/appendix-7/download/ods?${data.query}`} data-testid="download-ods" download>
            ODS (открытый формат)
          </a>
          {' · '}
          <a href={`/reports/appendix-7/download/pdf?${data.query}`} data-testid="download-pdf" download>
            PDF для подписи и подачи
          </a>
          {' · '}
          <Link to={`/reports/appendix-7/inputs?year=${data.year}`}>Сведения разделов 1–3 и 4.3–4.8 за {data.year} год</Link>
          {' · '}
          <Link to="/reports/policies">Правила классификации</Link>
        </p>
        {data.canFreeze ? (
          <Form method="post" action={`?index&${data.query}`}>
            <input type="hidden" name="intent" value="freeze" />
            <input type="hidden" name="key" value={data.freezeKey} />
            {filedToReplace.length ? (
              <p>
                <label>
                  Исправленный отчёт взамен поданного{' '}
                  <select {...invalid(errors, 'replaces')} name="replaces" defaultValue="">
                    <option value="">— нет, новый отчёт</option>
                    {filedToReplace.map((s) => (
                      <option key={s.id} value={s.id}>
                        № {s.id}, подан {s.filed!.on}, вх. № {s.filed!.number}
                      </option>
                    ))}
                  </select>
                  <FieldError errors={errors} name="replaces" />
                </label>{' '}
                <label>
                  Что исправлено <input {...invalid(errors, 'changeNote')} type="text" name="changeNote" maxLength={500} style={{ width: '24rem' }} />
                  <FieldError errors={errors} name="changeNote" />
                </label>
              </p>
            ) : null}
            <button type="submit" data-testid="freeze" disabled={freezing}>
              {freezing ? 'Фиксируется…' : 'Зафиксировать отчёт'}
            </button>{' '}
            <span className="muted">
              Сохраняет файлы XLSX и PDF в точности, все показатели, того, кто зафиксировал, и охват (
              {data.orgWide ? 'вся организация' : 'только ваши филиалы — такой отчёт нельзя подать как отчёт организации'}). Повторное нажатие не создаёт второй
              отчёт. Отметку о подаче (дата, вх. №) вносят на странице зафиксированного отчёта.
            </span>
            {result?.error ? <p className="notice error">{result.error}</p> : null}
          </Form>
        ) : null}
        {data.snapshots.length ? (
          <>
            <h3>Зафиксированные отчёты за {data.year} год</h3>
            {data.changesSinceLatest !== null ? (
              <p data-testid="changes">
                С последней фиксации с тем же охватом изменилось показателей: <strong>{formatCount(data.changesSinceLatest.count)}</strong>
                {data.changesSinceLatest.count ? (
                  <>
                    {' '}
                    — <Link to={`/reports/appendix-7/snapshots/${data.changesSinceLatest.id}?${data.query}`}>что именно</Link>
                  </>
                ) : null}
                .
              </p>
            ) : null}
            <table data-testid="snapshots">
              <thead>
                <tr>
                  <th>№</th>
                  <th>Зафиксирован</th>
                  <th>Охват</th>
                  <th>Подача</th>
                  <th>Состояние</th>
                </tr>
              </thead>
              <tbody>
                {data.snapshots.map((s) => (
                  <tr key={s.id} data-snapshot={s.id}>
                    <td>
                      <Link to={`/reports/appendix-7/snapshots/${s.id}?${data.query}`}>№ {s.id}</Link>
                    </td>
                    <td>
                      {s.frozenAt} — {s.frozenBy}
                      <br />
                      <span className="muted">
                        исходы на {s.asOf}; шаблон {s.templateVersion}; проверок не пройдено: {s.failedChecks}
                      </span>
                    </td>
                    <td data-testid="snapshot-scope">{s.scopeLabel}</td>
                    <td>{s.filed ? `подан ${s.filed.on}, вх. № ${s.filed.number} (${s.filed.by})` : 'не подан'}</td>
                    <td>
                      {s.replacedBy ? `заменён отчётом № ${s.replacedBy}` : s.replaces ? `исправленный, взамен № ${s.replaces}: ${s.changeNote ?? ''}` : ''}
                      {s.published ? ' опубликован' : ''}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        ) : null}
      </section>

      {data.publications.length ? (
        <section className="card" data-testid="publications">
          <h2>Архив публикаций</h2>
          <ul>
            {data.publications.map((p) => (
              <li key={p.id}>
                {p.year} год — отчёт <Link to={`/reports/appendix-7/snapshots/${p.id}`}>№ {p.id}</Link> (подан {p.filed}
                {p.replacedBy ? `; заменён отчётом № ${p.replacedBy}` : ''}): <a href={snapshotFileHref(p.id, 'html')}>страница HTML</a>
                {' · '}
                <a href={snapshotFileHref(p.id, 'published')}>файл XLSX</a>
                {p.publicEnabled ? ' · публичный адрес включён' : ''}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {data.tables.map((t) => {
        const heading = t.section !== section ? (section = t.section) : null
        return (
          <section key={t.code} className="card" data-table={t.code}>
            {heading ? <h2>{SECTION_TITLE(heading, data.template.sections[heading as '1'] ?? '')}</h2> : null}
            <h3>
              Таблица {t.code}. {t.title}
            </h3>
            <SheetTable header={t.header} body={t.body} testId={`table-${t.code}`} />
            {t.kind === 'input' ? (
              <p className="muted">
                <Link to={`/reports/appendix-7/inputs?year=${data.year}#t-${t.code}`}>Внести или изменить сведения</Link>
              </p>
            ) : null}
          </section>
        )
      })}

      {data.preview ? (
        <section className="card" data-table={data.preview.code}>
          <h3>
            Таблица {data.preview.code}. {data.preview.title}
          </h3>
          <p>
            Строк в таблице: <strong data-testid="register-rows">{formatCount(data.registerRowCount)}</strong>. Ниже — первые{' '}
            {Math.min(PREVIEW_ROWS, data.registerRowCount)}; все строки — в файле и в{' '}
            <Link to={`/registers/appeals?period=custom&from=${data.year}-01-01&to=${data.year}-12-31`}>журнале обращений</Link>.
          </p>
          <SheetTable header={data.preview.header} body={data.preview.body} testId={`table-${data.preview.code}`} />
        </section>
      ) : null}

      <section className="card">
        <h2>Правила классификации</h2>
        <dl>
          {data.policies.map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
        <h2>Определения показателей</h2>
        <dl>
          {data.definitions.map((d) => (
            <div key={d.id}>
              <dt>{d.label}</dt>
              <dd>{d.definition}</dd>
            </div>
          ))}
        </dl>
      </section>
    </>
  )
}
