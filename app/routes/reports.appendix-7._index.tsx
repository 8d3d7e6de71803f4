import { cachedView } from '#app/utils/view-cache.server.ts'
import { buffer } from 'node:stream/consumers'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, redirect, useLoaderData } from '@remix-run/react'
import { SheetTable } from '#app/components/sheet-table.tsx'
import { recordAudit } from '#app/models/audit.server.ts'
import { actionAccess, hasAnyRole } from '#app/utils/access.ts'
import { requireRole } from '#app/utils/auth.server.ts'
import { formatCount, formatDateTime } from '#app/utils/format.ts'
import { reportRequest } from '#app/utils/report-view.server.ts'
import { aboutAppendix7, appendix7FileName, prepareAppendix7, writeAppendix7 } from '#reports/appendix-7/build.server.ts'
import { appendix7Context } from '#reports/appendix-7/context.server.ts'
import { definitionsOf } from '#reports/appendix-7/figures.server.ts'
import { describePolicies } from '#reports/appendix-7/policies.ts'
import { registerCells, registerRows } from '#reports/appendix-7/register.server.ts'
import { diffFigures, freezeSnapshot, listSnapshots } from '#reports/appendix-7/snapshots.server.ts'
import type { FigureValue } from '#reports/appendix-7/figures.server.ts'
import { withYears } from '#reports/appendix-7/template.ts'
import type { Cell } from '#reports/export/sheet-model.ts'

export const meta: MetaFunction = () => [{ title: 'Приложение 7 — Качество обслуживания' }]

const PREVIEW_ROWS = 20
const SECTION_TITLE = (code: string, name: string) => `Раздел ${code}. ${name}`

export async function loader({ request }: LoaderFunctionArgs) {
  const rr = await reportRequest(request, 'reports.appendix-7._index.tsx')
  const ctx = await appendix7Context(rr.database, rr.scope, rr.year, rr.asOf)
  // tables and checks kept per data generation; «as of now» until the next deadline passes (view-cache.server.ts)
  const report = await cachedView(rr.database, { view: 'appendix-7', scope: rr.scope, params: { year: rr.year, asOf: rr.asOfText }, asOfNow: rr.asOfText === null }, () => prepareAppendix7(ctx))
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
  const snapshots = await listSnapshots(rr.database.db, rr.org.id, rr.year)
  let changes = null
  if (snapshots[0]) {
    const latest = await rr.database.db.selectFrom('report_snapshot').select('figures').where('id', '=', snapshots[0].id).executeTakeFirstOrThrow()
    changes = diffFigures(latest.figures as FigureValue[], report.figures).length
  }
  return {
    year: rr.year,
    asOf: rr.asOfText,
    asOfShown: formatDateTime(rr.asOf, rr.org.time_zone),
    query: rr.query,
    org: rr.org.name,
    template: { version: ctx.template.version, name: ctx.template.name, note: ctx.template.note ?? '', sections: ctx.template.sections },
    tables: report.built.tables.map((t) => ({ code: t.code, section: t.section, kind: t.kind, title: t.title, header: t.header, body: t.body })),
    registerRowCount: report.registerRows,
    preview,
    checks: report.checks,
    policies: describePolicies(ctx.policies),
    definitions: definitionsOf(report.built.tables),
    snapshots: snapshots.map((s) => ({ ...s, frozenAt: formatDateTime(s.frozenAt, rr.org.time_zone), asOf: formatDateTime(s.asOf, rr.org.time_zone) })),
    changesSinceLatest: changes,
    canFreeze: hasAnyRole(rr.user.roles, actionAccess.reportInput),
  }
}

export async function action({ request, context }: ActionFunctionArgs) {
  await requireRole(request, actionAccess.reportInput)
  const rr = await reportRequest(request, 'reports.appendix-7._index.tsx')
  const form = await request.formData()
  if (form.get('intent') !== 'freeze') throw new Response('Неизвестное действие.', { status: 400 })
  const report = await prepareAppendix7(await appendix7Context(rr.database, rr.scope, rr.year, rr.asOf))
  const who = `${rr.user.fullName} (${rr.user.login})`
  const fileName = appendix7FileName(report, 'xlsx')
  const file = await buffer(writeAppendix7('xlsx', report, aboutAppendix7(report, [['Сформирован', `${new Date().toLocaleString('ru-RU', { timeZone: rr.org.time_zone })} — ${who}`], ['Зафиксирован', who]])))
  const id = await freezeSnapshot(rr.database.db, report, file, fileName, { id: rr.user.id, name: who })
  await recordAudit(rr.database.db, { orgId: rr.org.id, userId: rr.user.id, actor: rr.user.login, action: 'report.freeze', object: 'appendix-7', details: { year: rr.year, snapshot: id, bytes: file.length }, ip: context?.ip })
  return redirect(`/reports/appendix-7/snapshots/${id}`)
}

export default function Appendix7() {
  const data = useLoaderData<typeof loader>()
  const failed = data.checks.filter((c) => !c.passed)
  let section = ''
  return (
    <>
      <h1>Приложение 7 за {data.year} год</h1>
      <p className="muted">
        {data.template.name}. Шаблон {data.template.version}. {data.template.note}
      </p>
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
        <p>{failed.length ? <span className="check-failed">Не пройдено: {failed.length} из {data.checks.length}. Файл можно скачать — он скажет об этом на листе «Проверки».</span> : <span className="check-passed">Все {data.checks.length} проверок пройдены.</span>}</p>
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
                <td className={c.passed ? 'check-passed' : c.severity === 'error' ? 'check-failed' : 'check-warning'}>{c.passed ? 'пройдена' : c.severity === 'error' ? 'не пройдена' : 'предупреждение'}</td>
                <td>{c.detail}</td>
                <td className="num">{c.records ? <Link to={`/reports/appendix-7/checks/${c.id}?${data.query}`}>{formatCount(c.records)}</Link> : null}</td>
              </tr>
            ))}
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
          <Link to={`/reports/appendix-7/inputs?year=${data.year}`}>Сведения разделов 1–3 и 4.3–4.8 за {data.year} год</Link>
          {' · '}
          <Link to="/reports/policies">Правила классификации</Link>
        </p>
        {data.canFreeze ? (
          <Form method="post" action={`?index&${data.query}`}>
            <input type="hidden" name="intent" value="freeze" />
            <button type="submit" data-testid="freeze">
              Зафиксировать поданный отчёт
            </button>{' '}
            <span className="muted">Сохраняет файл XLSX в точности, все его показатели и того, кто зафиксировал.</span>
          </Form>
        ) : null}
        {data.snapshots.length ? (
          <>
            <h3>Зафиксированные отчёты за {data.year} год</h3>
            {data.changesSinceLatest !== null ? (
              <p data-testid="changes">
                С последней фиксации изменилось показателей: <strong>{formatCount(data.changesSinceLatest)}</strong>
                {data.changesSinceLatest ? (
                  <>
                    {' '}
                    — <Link to={`/reports/appendix-7/snapshots/${data.snapshots[0]!.id}?${data.query}`}>что именно</Link>
                  </>
                ) : null}
                .
              </p>
            ) : null}
            <ul>
              {data.snapshots.map((s) => (
                <li key={s.id}>
                  <Link to={`/reports/appendix-7/snapshots/${s.id}?${data.query}`}>
                    {s.frozenAt} — {s.frozenBy}
                  </Link>{' '}
                  <span className="muted">
                    (исходы на {s.asOf}; шаблон {s.templateVersion}; проверок не пройдено: {s.failedChecks})
                  </span>
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </section>

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
            Строк в таблице: <strong data-testid="register-rows">{formatCount(data.registerRowCount)}</strong>. Ниже — первые {Math.min(PREVIEW_ROWS, data.registerRowCount)}; все строки — в файле и в{' '}
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
