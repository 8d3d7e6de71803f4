import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link } from '@remix-run/react'
import { ADAPTERS, WAIT_UNKNOWN_NOTE } from '#app/imports/adapters.ts'
import { guideColumns } from '#app/imports/format-guide.ts'
import { IMPORT_KINDS } from '#app/imports/kinds.ts'
import { requireRouteAccess } from '#app/utils/auth.server.ts'
import { importKind, labelOf } from '#reports/vocabulary.ts'

export const meta: MetaFunction = () => [{ title: 'Форматы файлов — Качество обслуживания' }]

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRouteAccess(request, 'imports.formats.tsx')
  return null
}

/** The format guide: generated from the kind specs and the adapters (app/imports/format-guide.ts, adapters.ts). */
export default function Formats() {
  return (
    <>
      <h1>Форматы файлов для загрузки</h1>
      <p>
        <Link to="/imports">← Загрузка данных</Link> · <Link to="/imports/mappings">Сопоставления столбцов</Link>
      </p>
      <section className="card">
        <h2>Общие правила</h2>
        <ul>
          <li>Файл CSV (UTF-8 с BOM или без, либо Windows-1251; разделитель «;» или «,») или XLSX (первый лист, заголовок в первой строке).</li>
          <li>
            Заголовки — названия столбцов ниже (латиницей или по-русски), регистр и пробелы по краям не важны; лишние столбцы пропускаются и перечисляются в
            отчёте.
          </li>
          <li>
            Дата и время: <code>14.03.2025 09:05</code>, <code>14.03.2025 09:05:30</code> или ISO 8601 (<code>2025-03-14T09:05:00+03:00</code>). Без смещения —
            местное время организации; дата без времени — 00:00.
          </li>
          <li>
            Да/нет: <code>да</code>/<code>нет</code>, <code>1</code>/<code>0</code>, <code>true</code>/<code>false</code>; пусто — нет. Перечисления — код или
            русское название.
          </li>
          <li>
            Повторная загрузка обновляет записи по ключу и ничего не дублирует. Файл с ошибками по умолчанию не загружается целиком; с «пропускать ошибочные
            строки» сохраняются верные строки. В отчёте всегда: прочитано = сохранено + отклонено, с номером строки, столбцом и причиной.
          </li>
          <li>
            Файл другой системы загружается выбранным форматом (ниже) или своим <Link to="/imports/mappings">сопоставлением столбцов</Link>: проверки и отчёт —
            те же.
          </li>
        </ul>
      </section>
      {IMPORT_KINDS.map((kind) => (
        <section key={kind} className="card" id={kind}>
          <h2>
            {labelOf(importKind, kind)} (<code>{kind}</code>)
          </h2>
          <p>
            Шаблон: <a href={`/imports/templates/${kind}.csv`}>CSV</a> · <a href={`/imports/templates/${kind}.xlsx`}>XLSX</a> (заголовок и строка-пример)
          </p>
          <table>
            <thead>
              <tr>
                <th>Столбец</th>
                <th>По-русски</th>
                <th>Обязательный</th>
                <th>Тип и допустимые значения</th>
                <th>Пример</th>
              </tr>
            </thead>
            <tbody>
              {guideColumns(kind).map((c) => (
                <tr key={c.name}>
                  <td>
                    <code>{c.name}</code>
                  </td>
                  <td>
                    <code>{c.alias}</code>
                  </td>
                  <td>{c.required ? 'да' : 'нет'}</td>
                  <td>
                    {c.type}
                    {c.allowed.length ? (
                      <>
                        :{' '}
                        {c.allowed.map((a, i) => (
                          <span key={a.code}>
                            {i ? ', ' : ''}
                            <code>{a.code}</code> — {a.label}
                          </span>
                        ))}
                      </>
                    ) : null}
                    {c.personal ? <span className="muted"> · персональные данные: видны только ролям с доступом к ним</span> : null}
                  </td>
                  <td>{c.example ? <code>{c.example}</code> : <span className="muted">—</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
      <section className="card" id="adapters">
        <h2>Форматы систем (адаптеры)</h2>
        <p>
          Определяются по содержимому файла или выбираются в поле «Формат» при загрузке (в API — <code>?format=</code>). Журнал Asterisk <code>queue_log</code>{' '}
          (<code>format=queue_log</code>) загружается как звонки с ожиданием в очереди. У звонков Asterisk CDR и 3CX времени ожидания в очереди нет: они
          считаются во входящих, принятых и потерянных, но не в показателях ожидания (среднее ожидание, уровень обслуживания, нормативы ответа на звонок).
        </p>
        <table>
          <thead>
            <tr>
              <th>Формат</th>
              <th>Вид</th>
              <th>Что читается</th>
              <th>Какие показатели даёт</th>
              <th>Чего не даёт</th>
            </tr>
          </thead>
          <tbody>
            {ADAPTERS.map((a) => (
              <tr key={a.name} id={`adapter-${a.name}`}>
                <td>
                  {a.title}
                  <br />
                  <code>format={a.name}</code>
                  {a.sure === 'V2' ? <div className="muted">описание по открытому коду пользователей, не по документации производителя</div> : null}
                </td>
                <td>{labelOf(importKind, a.kind)}</td>
                <td>
                  {a.layout}
                  {a.note ? <div className="notice warn">{a.note}</div> : null}
                </td>
                <td>{a.gives}</td>
                <td>
                  {a.lacks}
                  {a.waitKnown === false ? (
                    <div className="notice warn" data-testid="wait-unknown">
                      {WAIT_UNKNOWN_NOTE}
                    </div>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <h3>Обращения с внешних площадок</h3>
        <p>
          Сообщения ЦУР («Инцидент Менеджмент»), Платформы обратной связи Госуслуг, портала «Светлая страна» и портала ТП загружаются в журнал обращений с
          каналом (<code>channel</code>) «ЦУР», «Инцидент Менеджмент», «Платформа обратной связи», «Светлая страна», «Портал ТП». Срок ответа — правило по
          каналу: «Светлая страна» — 8 рабочих дней с публикации (правило <code>network_appeal_svetlaya_strana</code>); для ПОС правило на 10 календарных дней
          поставляется выключенным (обязательность срока не установлена); для остальных действует общее правило письменного обращения. Форма обслуживания в
          таблице 4.1 по каналу — настройка «Политики отчётов» (по умолчанию «Светлая страна», ПОС, портал ТП — интернет; ЦУР и «Инцидент Менеджмент» — прочее).
        </p>
      </section>
    </>
  )
}
