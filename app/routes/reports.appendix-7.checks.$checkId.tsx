import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { formatCount, formatDateTime } from '#reports/format.ts'
import { reportRequest } from '#app/utils/report-view.server.ts'
import { CHECK_IDS, CHECK_RECORDS_PAGE, type CheckId, listCheckRecords } from '#reports/appendix-7/checks.server.ts'
import { prepareAppendix7 } from '#reports/appendix-7/build.server.ts'
import { appendix7Context } from '#reports/appendix-7/context.server.ts'
import { appealForm, appealTopic, closure, complaintTopic, labelOf, requestType } from '#reports/vocabulary.ts'

export const meta: MetaFunction = () => [{ title: 'Проверка Приложения 7 — Качество обслуживания' }]

/** The appeals behind a check of Appendix 7, every one of them in pages. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const rr = await reportRequest(request, 'reports.appendix-7.checks.$checkId.tsx')
  if (!CHECK_IDS.includes(params.checkId as CheckId)) throw new Response('Нет такой проверки.', { status: 404 })
  const ctx = await appendix7Context(rr.database, rr.scope, rr.year, rr.asOf)
  const report = await prepareAppendix7(ctx)
  const check = report.checks.find((c) => c.id === params.checkId)!
  const page = Math.max(1, Number(new URL(request.url).searchParams.get('page')) || 1)
  const { rows, total } = await listCheckRecords(ctx, report.built.forms, check, page)
  const zone = rr.org.time_zone
  return {
    check,
    year: rr.year,
    query: rr.query,
    page,
    total,
    pages: Math.max(1, Math.ceil(total / CHECK_RECORDS_PAGE)),
    rows: rows.map((r) => ({
      id: r.id,
      reg: r.reg_number,
      received: formatDateTime(r.received_at, zone),
      form: labelOf(appealForm, r.form),
      topic: labelOf(appealTopic, r.topic),
      complaint: labelOf(complaintTopic, r.complaint_topic),
      request: labelOf(requestType, r.request_type),
      closure: labelOf(closure, r.closure),
      due: formatDateTime(r.due_at, zone),
      answered: formatDateTime(r.answered_at, zone),
    })),
  }
}

export default function CheckRecords() {
  const d = useLoaderData<typeof loader>()
  return (
    <>
      <h1>{d.check.title}</h1>
      <p className={d.check.passed ? 'check-passed' : 'check-failed'}>
        {d.check.passed ? 'Проверка пройдена' : 'Проверка не пройдена'}: {d.check.detail}
      </p>
      <p>
        Обращений: <strong data-testid="check-total">{formatCount(d.total)}</strong> (за {d.year} год). Страница {d.page} из {d.pages}.
      </p>
      <table data-testid="check-records">
        <thead>
          <tr>
            <th>Рег. номер</th>
            <th>Поступило</th>
            <th>Форма (для отчёта)</th>
            <th>Тема</th>
            <th>Жалоба</th>
            <th>Заявка</th>
            <th>Результат</th>
            <th>Срок</th>
            <th>Ответ</th>
          </tr>
        </thead>
        <tbody>
          {d.rows.map((r) => (
            <tr key={r.id}>
              <td>
                <Link to={`/registers/appeals/${r.id}`}>{r.reg}</Link>
              </td>
              <td>{r.received}</td>
              <td>{r.form}</td>
              <td>{r.topic}</td>
              <td>{r.complaint}</td>
              <td>{r.request}</td>
              <td>{r.closure}</td>
              <td>{r.due || 'нет правила срока'}</td>
              <td>{r.answered}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        {d.page > 1 ? <Link to={`?${d.query}&page=${d.page - 1}`}>← Назад</Link> : null}{' '}
        {d.page < d.pages ? <Link to={`?${d.query}&page=${d.page + 1}`}>Дальше →</Link> : null}
      </p>
      <p>
        <Link to={`/reports/appendix-7?${d.query}`}>← К Приложению 7</Link>
      </p>
    </>
  )
}
