import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { canSeePersonalData } from '#app/utils/access.ts'
import { getAppContext } from '#app/utils/app-database.server.ts'
import { getScope, requireRouteAccess } from '#app/utils/auth.server.ts'
import { REGISTERS, getRecord } from '#reports/metrics/records.server.ts'
import { cellText } from '#reports/metrics/register-format.ts'
import { formatDateTime, formatDuration } from '#reports/format.ts'
import { recordSurveyAnswers, recordTerm } from '#app/models/record-card.server.ts'
import { backToRegister } from '#app/utils/register-back.ts'
import { freeTextFor } from '#app/utils/survey-view.server.ts'

const LEG_OUTCOMES: Record<string, string> = {
  answered: 'принят',
  overflowed: 'ушёл в другую очередь',
  lost: 'не принят',
  no_ending: 'нет окончания в журнале',
}

export const meta: MetaFunction = () => [{ title: 'Запись — Качество обслуживания' }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRouteAccess(request, 'registers.$domain.$id.tsx')
  const register = REGISTERS[params.domain as keyof typeof REGISTERS]
  if (!register || !Object.hasOwn(REGISTERS, params.domain ?? '')) throw new Response('Такого журнала нет.', { status: 404 })
  const { database, org } = await getAppContext()
  const record = await getRecord(database.db, register, getScope(user), params.id ?? '')
  if (!record) throw new Response('Такой записи нет или она вам недоступна.', { status: 404 })
  const personalData = canSeePersonalData(user.roles)
  // a queue_log call: the queues it went through (ADR 016)
  const legs =
    register.domain === 'calls'
      ? ((await database.db.selectFrom('call').select('legs').where('id', '=', record.id).executeTakeFirst())?.legs ?? []).map((l) => ({
          line: l.line ?? 'линия не указана',
          entered: formatDateTime(new Date(l.entered * 1000), org.time_zone, true),
          wait: l.answered !== null ? formatDuration(l.answered - l.entered) : '',
          ended: l.ended !== null ? formatDateTime(new Date(l.ended * 1000), org.time_zone, true) : '',
          agent: l.agent ?? '',
          outcome: LEG_OUTCOMES[l.outcome] ?? l.outcome,
          end: l.end ?? '',
          missed: Object.entries(l.missed ?? {})
            .map(([agent, n]) => `${agent}: ${n}`)
            .join(', '),
        }))
      : []
  const back = backToRegister(new URL(request.url).searchParams.get('back'), register.domain)
  const [term, surveys] = await Promise.all([
    register.domain === 'appeals' ? recordTerm(database, org, record.id) : null,
    recordSurveyAnswers(database.db, org, register.domain, record.id, freeTextFor(user.roles)),
  ])
  return {
    legs,
    back,
    term,
    surveys,
    title: register.title,
    domain: register.domain,
    key: String(record[register.key] ?? ''),
    personalData,
    fields: register.columns.map((c) => ({ label: c.label, value: cellText(c, record[c.id], org.time_zone, personalData), personal: Boolean(c.personal) })),
  }
}

export default function RecordPage() {
  const d = useLoaderData<typeof loader>()
  return (
    <>
      <p>
        <Link to={d.back} data-testid="back">
          ← {d.title}
        </Link>
      </p>
      <h1>{d.key}</h1>
      {d.term ? (
        <section className={`card term term-${d.term.outcome}`} data-testid="term" data-outcome={d.term.outcome}>
          <h2>Срок ответа</h2>
          <p className="term-verdict">
            <strong>{d.term.verdict}</strong>
          </p>
          <dl className="facts">
            <dt>Правило</dt>
            <dd>{d.term.rule ? <>{d.term.rule}</> : 'не назначено'}</dd>
            <dt>Поступило</dt>
            <dd>{d.term.received}</dd>
            <dt>Срок</dt>
            <dd>{d.term.due || '—'}</dd>
            <dt>Ответ</dt>
            <dd>{d.term.answered || 'нет'}</dd>
          </dl>
          {d.term.calendarGap ? <p className="muted">Часть дней срока вне загруженного производственного календаря: они посчитаны как пн–пт.</p> : null}
        </section>
      ) : null}
      <dl className="facts card" data-testid="record">
        {d.fields.map((f) => (
          <div key={f.label} style={{ display: 'contents' }}>
            <dt>{f.label}</dt>
            <dd data-personal={f.personal || undefined}>{f.value || '—'}</dd>
          </div>
        ))}
      </dl>
      {d.surveys.length ? (
        <section className="card" data-testid="record-survey">
          <h2>Ответ на опрос</h2>
          {d.surveys.map((s) => (
            <div key={s.id}>
              <p className="muted">
                «{s.survey}», {s.submitted}, {s.how}
              </p>
              <dl className="facts">
                {s.answers.map((a) => (
                  <div key={a.question} style={{ display: 'contents' }}>
                    <dt>{a.question}</dt>
                    <dd>{a.answer || '—'}</dd>
                  </div>
                ))}
              </dl>
            </div>
          ))}
        </section>
      ) : null}
      {d.legs.length ? (
        <>
          <h2>Очереди звонка</h2>
          <p className="muted">Один звонок абонента (один uniqueid журнала Asterisk) — по строке на каждую очередь, через которую он прошёл.</p>
          <table data-testid="call-legs">
            <thead>
              <tr>
                <th>Очередь</th>
                <th>Поступил</th>
                <th>Ожидание ответа</th>
                <th>Окончание</th>
                <th>Оператор</th>
                <th>Итог</th>
                <th>Событие окончания</th>
                <th>Не взяли трубку (оператор: раз)</th>
              </tr>
            </thead>
            <tbody>
              {d.legs.map((l, i) => (
                <tr key={i}>
                  <td>{l.line}</td>
                  <td>{l.entered}</td>
                  <td className="num">{l.wait || '—'}</td>
                  <td>{l.ended || '—'}</td>
                  <td>{l.agent || '—'}</td>
                  <td>{l.outcome}</td>
                  <td>{l.end || '—'}</td>
                  <td>{l.missed || '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
      {d.personalData ? null : <p className="muted">Персональные данные скрыты: их видят операторы, специалисты по качеству и администраторы.</p>}
    </>
  )
}
