import { zoneLabel } from '#app/utils/zones.ts'
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { workListContext } from '#app/utils/worklist-view.server.ts'
import { formatLocalDateTime } from '#reports/time/local-time.ts'
import { normText } from '#reports/callbacks/callbacks.server.ts'
import { IMPORT_STATUS_TEXT } from '#reports/worklist/worklist.server.ts'
import { WORKLIST_DEFINITIONS } from '#reports/worklist/file.server.ts'
import { kindLabel } from '#reports/worklist/labels.ts'
import { filesHref } from '#app/utils/files.ts'

export const meta: MetaFunction = () => [{ title: 'Список дел — Качество обслуживания' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const { list, days, scope, org } = await workListContext(request, 'worklist._index.tsx')
  const when = (d: Date) => formatLocalDateTime(d, list.zone)
  return {
    days,
    asOf: when(list.asOf),
    zone: zoneLabel(org.time_zone),
    norm: normText(list.norm),
    branchScope: scope.branches !== 'all',
    truncated: list.truncated,
    definitions: WORKLIST_DEFINITIONS.map(([k, v]) => ({ k, v })),
    appeals: list.appeals.map((a) => ({ ...a, receivedAt: when(a.receivedAt), dueAt: when(a.dueAt) })),
    lostCalls: list.lostCalls.map((c) => ({ ...c, startedAt: when(c.startedAt), dueAt: when(c.dueAt) })),
    imports: list.imports.map((i) => ({ ...i, startedAt: when(i.startedAt), kind: kindLabel(i.kind), status: IMPORT_STATUS_TEXT[i.status] ?? i.status })),
  }
}

export default function WorkList() {
  const d = useLoaderData<typeof loader>()
  const overdue = d.appeals.filter((a) => a.overdueDays !== null)
  const soon = d.appeals.filter((a) => a.overdueDays === null)
  return (
    <>
      <h1>Список дел</h1>
      <Form method="get" className="card" style={{ display: 'flex', gap: '1rem', flexWrap: 'wrap', alignItems: 'end' }}>
        <label>
          Срок на подходе: рабочих дней <input type="number" name="days" min={0} max={30} defaultValue={d.days} style={{ width: '4rem' }} />
        </label>
        <button type="submit">Показать</button>
        <a href={filesHref('worklist', 'xlsx', { days: d.days })} download>
          Скачать XLSX
        </a>
      </Form>
      <p className="muted">
        По состоянию на {d.asOf} ({d.zone}){d.branchScope ? ' — только ваши филиалы' : ''}. Норматив перезвона потерянным звонкам: {d.norm}.
        {d.truncated ? ' Список сокращён до 1000 строк в каждой части.' : ''}
      </p>
      <div className="tiles">
        <div className="tile" data-testid="overdue">
          <div className="label">Просрочено</div>
          <div className="value">{overdue.length}</div>
        </div>
        <div className="tile" data-testid="due-soon">
          <div className="label">Срок в ближайшие {d.days} раб. дн.</div>
          <div className="value">{soon.length}</div>
        </div>
        <div className="tile" data-testid="lost">
          <div className="label">Не перезвонили</div>
          <div className="value">{d.lostCalls.length}</div>
        </div>
        <div className="tile" data-testid="imports">
          <div className="label">Загрузки с ошибкой</div>
          <div className="value">{d.imports.length}</div>
        </div>
      </div>
      <h2>Обращения: просрочено и срок на подходе</h2>
      <table data-testid="worklist-appeals">
        <thead>
          <tr>
            <th>Рег. номер</th>
            <th>Поступило</th>
            <th>Срок ответа</th>
            <th className="num">Просрочено на, дн.</th>
            <th className="num">Осталось раб. дн.</th>
            <th>Правило</th>
            <th>Офис</th>
            <th>Филиал</th>
            <th>Заявитель</th>
          </tr>
        </thead>
        <tbody>
          {d.appeals.length === 0 ? (
            <tr>
              <td colSpan={9} className="muted">
                Нет обращений без ответа со сроком в ближайшие {d.days} раб. дн. и просроченных.
              </td>
            </tr>
          ) : null}
          {d.appeals.map((a) => (
            <tr key={a.id} className={a.overdueDays !== null ? 'bad' : undefined}>
              <td>
                <Link to={`/registers/appeals/${a.id}`}>{a.regNumber}</Link>
              </td>
              <td>{a.receivedAt}</td>
              <td>{a.dueAt}</td>
              <td className="num">{a.overdueDays ?? ''}</td>
              <td className="num">{a.workingDaysLeft ?? ''}</td>
              <td>{a.rule}</td>
              <td>{a.office}</td>
              <td>{a.branch}</td>
              <td>{a.applicant}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Потерянные звонки: абоненту не перезвонили (за 30 дней, от старых)</h2>
      <p className="muted">
        <Link to="/calls/lost">Все потерянные звонки с исходами и показатели перезвонов</Link>
      </p>
      <table data-testid="worklist-lost">
        <thead>
          <tr>
            <th>Звонок</th>
            <th>Начало</th>
            <th>Связаться до</th>
            <th>Норматив</th>
            <th>Линия</th>
            <th>Филиал</th>
            <th>Номер</th>
          </tr>
        </thead>
        <tbody>
          {d.lostCalls.length === 0 ? (
            <tr>
              <td colSpan={7} className="muted">
                Всем абонентам потерянных звонков перезвонили или они дозвонились сами.
              </td>
            </tr>
          ) : null}
          {d.lostCalls.map((c) => (
            <tr key={c.id} className={c.late ? 'bad' : undefined}>
              <td>
                <Link to={`/registers/calls/${c.id}`}>{c.callId}</Link>
              </td>
              <td>{c.startedAt}</td>
              <td>{c.dueAt}</td>
              <td>{c.late ? 'истёк' : 'идёт'}</td>
              <td>{c.line}</td>
              <td>{c.branch}</td>
              <td>{c.phone}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Загрузки с ошибкой (за 30 дней)</h2>
      <table data-testid="worklist-imports">
        <thead>
          <tr>
            <th>Загрузка</th>
            <th>Вид</th>
            <th>Файл</th>
            <th>Состояние</th>
            <th>Начата</th>
            <th>Сообщение</th>
          </tr>
        </thead>
        <tbody>
          {d.imports.length === 0 ? (
            <tr>
              <td colSpan={6} className="muted">
                Нет.
              </td>
            </tr>
          ) : null}
          {d.imports.map((i) => (
            <tr key={i.id}>
              <td>
                <Link to={`/imports/${i.id}`}>№ {i.id}</Link>
              </td>
              <td>{i.kind}</td>
              <td>{i.fileName}</td>
              <td>{i.status}</td>
              <td>{i.startedAt}</td>
              <td>{i.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <details>
        <summary>Определения</summary>
        <dl>
          {d.definitions.map((x) => (
            <div key={x.k}>
              <dt>{x.k}</dt>
              <dd>{x.v}</dd>
            </div>
          ))}
        </dl>
      </details>
    </>
  )
}
