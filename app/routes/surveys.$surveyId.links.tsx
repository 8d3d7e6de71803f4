import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { FieldError, FormError, fieldErrorsOf, invalid } from '#app/components/form-error.tsx'
import { RecordFields } from '#app/components/survey-form.tsx'
import { createBatchCommand, createLinkCommand } from '#app/models/survey-commands.server.ts'
import { parseInput, refusalOfError, text, wholeNumber, withFallback, z } from '#app/utils/input.ts'
import { InputError } from '#reports/errors.ts'
import { listBatches, officeLinks, requireSurvey } from '#app/models/survey.server.ts'
import { getAppContext } from '#app/utils/app-database.server.ts'
import { getScope, requireActor, requireRouteAccess } from '#app/utils/auth.server.ts'
import { formatCount, formatDateTime } from '#reports/format.ts'
import { dayText, localDayOf } from '#reports/time/days.ts'
import { isDateText } from '#reports/metrics/period.ts'
import { DELIVERIES, MAX_BATCH, readRecord } from '#reports/surveys/questions.ts'
import { qrPath, surveyUrl } from '#reports/surveys/qr.server.ts'
import { CopyButton } from '#app/components/copy-button.tsx'
import { countOf, WORDS } from '#reports/plural.ts'
import { filesHref } from '#app/utils/files.ts'

export const meta: MetaFunction = () => [{ title: 'Ссылки на опрос — Качество обслуживания' }]

const SENT = ['sms', 'email', 'phone', 'other'] as const

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRouteAccess(request, 'surveys.$surveyId.links.tsx')
  const { database, org } = await getAppContext()
  const survey = await requireSurvey(database.db, org.id, params.surveyId)
  const [offices, batches] = await Promise.all([officeLinks(database.db, survey, { id: user.id, scope: getScope(user) }), listBatches(database.db, survey.id)])
  const today = localDayOf(new Date(), org.time_zone)
  return {
    survey: { id: survey.id, title: survey.title },
    qr: offices.map((o) => ({ ...o, url: surveyUrl(request, o.token), path: qrPath(surveyUrl(request, o.token)) })),
    batches: batches.map((b) => ({
      id: b.id,
      delivery: DELIVERIES[b.delivery],
      from: b.closed_from,
      to: b.closed_to,
      requested: b.requested,
      eligible: b.eligible,
      created: b.created,
      answered: Number(b.answered ?? 0),
      expires: b.expires_at ? formatDateTime(b.expires_at, org.time_zone) : 'без срока',
      by: b.created_by_name,
      at: formatDateTime(b.created_at, org.time_zone),
    })),
    defaults: { from: dayText(today - 30), to: dayText(today - 1) },
  }
}

const common = {
  delivery: z.preprocess((v) => (Array.isArray(v) ? v[0] : v), z.enum(SENT).catch('other')),
  validDays: withFallback(wholeNumber(1, 365), 30),
}

const linksForm = z.discriminatedUnion(
  'intent',
  [
    z.object({ intent: z.literal('link'), ...common }),
    z.object({
      intent: z.literal('batch').optional(),
      ...common,
      closedFrom: text({ max: 20 }).refine(isDateText, { error: 'Период закрытия обращений: укажите обе даты.' }),
      closedTo: text({ max: 20 }).refine(isDateText, { error: 'Период закрытия обращений: укажите обе даты.' }),
      size: wholeNumber(1, MAX_BATCH, `Размер выборки — целое число от 1 до ${MAX_BATCH.toLocaleString('ru-RU')}.`),
    }),
  ],
  { error: 'Неизвестное действие.' },
)

export async function action({ request, params, context }: ActionFunctionArgs) {
  const actor = await requireActor({ request, context }, 'surveys.$surveyId.links.tsx')
  const { database } = await getAppContext()
  const survey = await requireSurvey(database.db, actor.org.id, params.surveyId)
  const form = await request.formData()
  // which of the page's two forms was refused: the errors are shown beside that form's fields
  const intent = String(form.get('intent') ?? 'batch')
  const parsed = parseInput(linksForm, form)
  if (!parsed.ok) return data({ error: [...new Set(Object.values(parsed.fieldErrors))].join(' '), fieldErrors: parsed.fieldErrors, intent }, { status: 400 })
  const input = parsed.data
  try {
    if (input.intent === 'link') {
      const record = readRecord(form)
      const token = await createLinkCommand(database.db, actor, survey, { delivery: input.delivery, record, validDays: input.validDays })
      const url = surveyUrl(request, token)
      return { link: { url, path: qrPath(url), validDays: input.validDays } }
    }
    const batch = await createBatchCommand(database.db, actor, survey, input)
    return { batch }
  } catch (error) {
    if (error instanceof InputError) return data({ ...refusalOfError(error), intent }, { status: 400 })
    throw error
  }
}

function QrImage({ path, label }: { path: { size: number; d: string }; label: string }) {
  return (
    <svg viewBox={`0 0 ${path.size} ${path.size}`} role="img" aria-label={label} shapeRendering="crispEdges">
      <rect width={path.size} height={path.size} fill="#fff" />
      <path d={path.d} fill="#000" />
    </svg>
  )
}

function DeliverySelect() {
  return (
    <label>
      Как передать
      <select name="delivery" defaultValue="sms">
        {SENT.map((d) => (
          <option key={d} value={d}>
            {DELIVERIES[d]}
          </option>
        ))}
      </select>
    </label>
  )
}

export default function SurveyLinks() {
  const { survey, qr, batches, defaults } = useLoaderData<typeof loader>()
  const posted = useActionData<typeof action>()
  const batchErrors = fieldErrorsOf(posted, 'batch')
  const linkErrors = fieldErrorsOf(posted, 'link')
  const batch = posted && 'batch' in posted ? posted.batch : undefined
  const link = posted && 'link' in posted ? posted.link : undefined
  return (
    <>
      <p className="no-print">
        <Link to={`/surveys/${survey.id}`}>← Итоги опроса</Link>
      </p>
      <h1 className="no-print">Ссылки на опрос «{survey.title}»</h1>

      <section className="card no-print">
        <h2>Выпуск ссылок по закрытым обращениям</h2>
        <p className="muted">
          Случайная выборка обращений, ответ на которые дан в выбранные дни, — с телефоном (для SMS и телефонного опроса) или e-mail; обращения, уже
          приглашённые в этот опрос, не повторяются. Каждая ссылка принимает одну анкету. Файл со ссылками и контактами — для рассылки.
        </p>
        <Form method="post" className="filters">
          <input type="hidden" name="intent" value="batch" />
          <label>
            Закрыты с
            <input {...invalid(batchErrors, 'closedFrom', 'batch')} type="date" name="closedFrom" defaultValue={defaults.from} required />
            <FieldError errors={batchErrors} name="closedFrom" form="batch" />
          </label>
          <label>
            по
            <input {...invalid(batchErrors, 'closedTo', 'batch')} type="date" name="closedTo" defaultValue={defaults.to} required />
            <FieldError errors={batchErrors} name="closedTo" form="batch" />
          </label>
          <label>
            Размер выборки
            <input
              {...invalid(batchErrors, 'size', 'batch')}
              type="number"
              name="size"
              min={1}
              max={MAX_BATCH}
              defaultValue={200}
              required
              style={{ width: '7rem' }}
            />
            <FieldError errors={batchErrors} name="size" form="batch" />
          </label>
          <DeliverySelect />
          <label>
            Ссылка действует, дней
            <input
              {...invalid(batchErrors, 'validDays', 'batch')}
              type="number"
              name="validDays"
              min={1}
              max={365}
              defaultValue={30}
              style={{ width: '5rem' }}
            />
            <FieldError errors={batchErrors} name="validDays" form="batch" />
          </label>
          <button type="submit" data-testid="create-batch">
            Выпустить ссылки
          </button>
        </Form>
        {batch ? (
          <p className="notice ok" data-testid="batch-created">
            Выпущено ссылок: {formatCount(batch.created)} (подходящих обращений: {formatCount(batch.eligible)}).{' '}
            <a href={filesHref('survey-batch', 'xlsx', { survey: survey.id, batch: batch.id })} download>
              Скачать XLSX
            </a>
          </p>
        ) : null}
        <table data-testid="batches">
          <thead>
            <tr>
              <th>Выпущен</th>
              <th>Кем</th>
              <th>Обращения закрыты</th>
              <th>Способ</th>
              <th className="num">Запрошено</th>
              <th className="num">Подходило</th>
              <th className="num">Ссылок</th>
              <th className="num">Ответили</th>
              <th>Действуют до</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {batches.length === 0 ? (
              <tr>
                <td colSpan={10} className="muted">
                  Выпусков ещё не было.
                </td>
              </tr>
            ) : null}
            {batches.map((b) => (
              <tr key={b.id}>
                <td>{b.at}</td>
                <td>{b.by}</td>
                <td>
                  {b.from} — {b.to}
                </td>
                <td>{b.delivery}</td>
                <td className="num">{formatCount(b.requested)}</td>
                <td className="num">{formatCount(b.eligible)}</td>
                <td className="num">{formatCount(b.created)}</td>
                <td className="num">{formatCount(b.answered)}</td>
                <td>{b.expires}</td>
                <td>
                  <a href={filesHref('survey-batch', 'xlsx', { survey: survey.id, batch: b.id })} download>
                    XLSX
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section className="card no-print">
        <h2>Ссылка для одного потребителя</h2>
        <p className="muted">Можно привязать к обращению, звонку или посещению: ответ попадёт в разрезы его офиса и формы обслуживания.</p>
        <Form method="post" className="filters">
          <input type="hidden" name="intent" value="link" />
          <RecordFields label="Привязать к" kinds={['appeal', 'call', 'visit']} />
          <DeliverySelect />
          <label>
            Действует, дней
            <input {...invalid(linkErrors, 'validDays', 'link')} type="number" name="validDays" min={1} max={365} defaultValue={30} style={{ width: '5rem' }} />
            <FieldError errors={linkErrors} name="validDays" form="link" />
          </label>
          <button type="submit" data-testid="create-link">
            Создать ссылку
          </button>
        </Form>
        {link ? (
          <div className="notice ok" data-testid="link-created">
            <p>
              Ссылка (одна анкета, действует {countOf(link.validDays, WORDS.day)}): <a href={link.url}>{link.url}</a> <CopyButton text={link.url} />
            </p>
            <div className="qr-card" style={{ maxWidth: 260 }}>
              <QrImage path={link.path} label="QR-код ссылки" />
            </div>
          </div>
        ) : null}
        <FormError message={posted && 'error' in posted ? posted.error : null} />
      </section>

      <h2>QR-коды для офисов</h2>
      <p className="muted no-print">
        Для зала ожидания: один код на офис, по нему отвечают многие посетители; ответы попадают в разрезы офиса и очной формы. Распечатайте страницу (Ctrl+P) —
        меню и формы на печать не выводятся.
      </p>
      {qr.length === 0 ? <p className="muted">В справочнике нет офисов: загрузите справочник офисов.</p> : null}
      <div className="qr-sheet" data-testid="qr-sheet">
        {qr.map((o) => (
          <div key={o.officeCode} className="qr-card" data-office={o.officeCode}>
            <strong>{survey.title}</strong>
            <QrImage path={o.path} label={`QR-код опроса для офиса «${o.name}»`} />
            <div>Наведите камеру телефона на код и ответьте на несколько вопросов.</div>
            <div className="muted">
              {o.name}
              {o.address ? `, ${o.address}` : ''}
            </div>
            <div className="muted" style={{ fontSize: '0.75rem', wordBreak: 'break-all' }}>
              {o.url}
            </div>
          </div>
        ))}
      </div>
    </>
  )
}
