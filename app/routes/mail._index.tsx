import { zoneLabel } from '#app/utils/zones.ts'
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from '@remix-run/node'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { FieldError, FormError, fieldErrorsOf, invalid } from '#app/components/form-error.tsx'
import { InputError } from '#reports/errors.ts'
import { getAppContext } from '#app/utils/app-database.server.ts'
import { requireActor, requireRouteAccess } from '#app/utils/auth.server.ts'
import { parseInput, refusalOfError, text, z } from '#app/utils/input.ts'
import { mailConfig, mailOffReason } from '#app/mail/config.server.ts'
import { changeMail, listSubscriptions, sendLog } from '#app/mail/subscriptions.server.ts'
import { MAIL_VIEWS, isMailView, mayReceive } from '#app/mail/views.server.ts'
import { formatLocalDateTime } from '#reports/time/local-time.ts'

export const meta: MetaFunction = () => [{ title: 'Почта — Качество обслуживания' }]

const FREQUENCY = {
  daily: 'ежедневно (за вчера)',
  weekly: 'еженедельно, по понедельникам (за прошлую неделю)',
  monthly: 'ежемесячно, 1-го числа (за прошлый месяц)',
} as const
const STATUS: Record<string, string> = {
  pending: 'ждёт отправки',
  sending: 'отправляется',
  sent: 'отправлено',
  retry: 'повтор позже',
  failed: 'не отправлено',
  empty: 'список пуст, не отправлялось',
}

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRouteAccess(request, 'mail._index.tsx')
  const { database, org } = await getAppContext()
  const admin = user.roles.includes('admin')
  const config = mailConfig()
  const me = await database.db.selectFrom('app_user').select('email').where('id', '=', user.id).executeTakeFirst()
  const describe = (s: Awaited<ReturnType<typeof listSubscriptions>>[number]) => ({
    id: s.id,
    owner: `${s.full_name} (${s.login})`,
    email: s.email ?? '',
    what:
      s.kind === 'alert'
        ? `Оповещение: список дел, срок на подходе ${s.due_days} раб. дн.`
        : `Рассылка: ${isMailView(s.view) ? MAIL_VIEWS[s.view].label : s.view}, ${s.format.toUpperCase()}, ${FREQUENCY[s.frequency]}`,
    when: `${s.kind === 'alert' ? 'по рабочим дням' : ''} в ${s.local_time}`,
    addresses: s.addresses.join(', '),
  })
  const when = (d: Date | null) => (d ? formatLocalDateTime(new Date(d), org.time_zone) : '')
  return {
    admin,
    zone: zoneLabel(org.time_zone),
    off: mailOffReason(),
    server: config ? `${config.server}${config.secure ? ' (TLS)' : ' (STARTTLS, если сервер его предлагает)'}, отправитель ${config.from}` : null,
    email: me?.email ?? '',
    views: Object.entries(MAIL_VIEWS)
      .filter(([id]) => mayReceive(user.roles, id as keyof typeof MAIL_VIEWS))
      .map(([id, v]) => ({ id, label: v.label, formats: [...v.formats] })),
    mine: (await listSubscriptions(database.db, org.id, user.id)).map(describe),
    all: admin ? (await listSubscriptions(database.db, org.id, 'all')).map(describe) : [],
    log: admin
      ? (await sendLog(database.db, org.id)).map((l) => ({
          ...l,
          created_at: when(l.created_at),
          sent_at: when(l.sent_at),
          next_attempt_at: when(l.next_attempt_at),
          status: STATUS[l.status] ?? l.status,
        }))
      : [],
  }
}

const subscription = {
  view: text({ max: 100 }),
  format: text({ max: 20 }).transform((f) => f || 'xlsx'),
  frequency: text({ max: 20 }).transform((f) => f || 'daily'),
  localTime: text({ max: 10 }),
  dueDays: z.preprocess(
    (v) => (String(v ?? '').trim() === '' ? 3 : Number(String(v).trim())),
    z.number({ error: 'Число дней — целое число.' }).int({ error: 'Число дней — целое число.' }),
  ),
  addresses: text({ max: 5000 }),
}

const mailForm = z.discriminatedUnion(
  'intent',
  [
    z.object({ intent: z.literal('email'), email: text({ max: 320 }) }),
    z.object({ intent: z.literal('remove'), id: text({ max: 20 }) }),
    z.object({ intent: z.literal('alert'), ...subscription }),
    z.object({ intent: z.literal('delivery'), ...subscription }),
  ],
  { error: 'Неизвестное действие.' },
)

const LABELS = { email: 'Адрес', view: 'Вид', format: 'Формат', frequency: 'Частота', localTime: 'Время', dueDays: 'За сколько дней', addresses: 'Адреса' }

export async function action({ request, context }: ActionFunctionArgs) {
  const actor = await requireActor({ request, context }, 'mail._index.tsx')
  const { database } = await getAppContext()
  const form = await request.formData()
  // which of the page's forms was refused: their fields' errors are shown beside that form's fields
  const intent = String(form.get('intent') ?? '')
  const parsed = parseInput(mailForm, form, LABELS)
  if (!parsed.ok) return data({ error: parsed.error, fieldErrors: parsed.fieldErrors, intent, saved: false }, { status: 400 })
  try {
    await changeMail(database.db, actor, parsed.data)
  } catch (error) {
    if (error instanceof InputError) return data({ ...refusalOfError(error), intent, saved: false }, { status: 400 })
    throw error
  }
  return { error: null, fieldErrors: {}, saved: true }
}

export default function Mail() {
  const d = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const emailErrors = fieldErrorsOf(result, 'email')
  const alertErrors = fieldErrorsOf(result, 'alert')
  const deliveryErrors = fieldErrorsOf(result, 'delivery')
  return (
    <>
      <h1>Почта: оповещения и рассылки</h1>
      {d.off ? (
        <p className="notice error" data-testid="mail-off">
          {d.off}
        </p>
      ) : (
        <p className="notice ok" data-testid="mail-on">
          Почта настроена: {d.server}.
        </p>
      )}
      <FormError message={result?.error} />
      {result?.saved ? <p className="notice ok">Сохранено.</p> : null}
      <Form method="post" className="card stack">
        <input type="hidden" name="intent" value="email" />
        <label>
          Мой адрес электронной почты (сюда приходят мои оповещения и рассылки)
          <input {...invalid(emailErrors, 'email', 'email')} type="email" name="email" defaultValue={d.email} />
          <FieldError errors={emailErrors} name="email" form="email" />
        </label>
        <button type="submit">Сохранить адрес</button>
      </Form>
      <h2>Мои подписки</h2>
      <SubscriptionTable rows={d.mine} />
      <Form method="post" className="card stack">
        <input type="hidden" name="intent" value="alert" />
        <strong>Оповещение: мой список дел каждый рабочий день</strong>
        <label>
          Время ({d.zone})<input {...invalid(alertErrors, 'localTime', 'alert')} type="time" name="localTime" defaultValue="08:00" required />
          <FieldError errors={alertErrors} name="localTime" form="alert" />
        </label>
        <label>
          Срок на подходе, рабочих дней
          <input {...invalid(alertErrors, 'dueDays', 'alert')} type="number" name="dueDays" min={0} max={30} defaultValue={3} />
          <FieldError errors={alertErrors} name="dueDays" form="alert" />
        </label>
        <p className="muted">
          Просроченные обращения, обращения со сроком в ближайшие дни, потерянные звонки без перезвона и загрузки с ошибкой — только в ваших филиалах. Если
          список пуст, письмо не приходит.
        </p>
        <button type="submit">Подписаться</button>
      </Form>
      <Form method="post" className="card stack">
        <input type="hidden" name="intent" value="delivery" />
        <strong>Рассылка отчёта файлом</strong>
        <label>
          Что
          <select {...invalid(deliveryErrors, 'view', 'delivery')} name="view">
            {d.views.map((v) => (
              <option key={v.id} value={v.id}>
                {v.label} ({v.formats.join(', ').toUpperCase()})
              </option>
            ))}
          </select>
          <FieldError errors={deliveryErrors} name="view" form="delivery" />
        </label>
        <label>
          Формат
          <select {...invalid(deliveryErrors, 'format', 'delivery')} name="format">
            <option value="xlsx">XLSX</option>
            <option value="pdf">PDF (только Приложение 7 и отчёт о стандарте)</option>
          </select>
          <FieldError errors={deliveryErrors} name="format" form="delivery" />
        </label>
        <label>
          Периодичность
          <select {...invalid(deliveryErrors, 'frequency', 'delivery')} name="frequency">
            {Object.entries(FREQUENCY).map(([k, v]) => (
              <option key={k} value={k}>
                {v}
              </option>
            ))}
          </select>
          <FieldError errors={deliveryErrors} name="frequency" form="delivery" />
        </label>
        <label>
          Время ({d.zone})<input {...invalid(deliveryErrors, 'localTime', 'delivery')} type="time" name="localTime" defaultValue="08:00" required />
          <FieldError errors={deliveryErrors} name="localTime" form="delivery" />
        </label>
        {d.admin ? (
          <label>
            Внешние адреса (через запятую; им персональные данные не отправляются)
            <input {...invalid(deliveryErrors, 'addresses', 'delivery')} type="text" name="addresses" />
            <FieldError errors={deliveryErrors} name="addresses" form="delivery" />
          </label>
        ) : null}
        <p className="muted">Файл — «по состоянию на» конец периода; Приложение 7 и отчёт о стандарте — за год, в котором кончается период.</p>
        <button type="submit">Подписаться</button>
      </Form>
      {d.admin ? (
        <>
          <h2>Все подписки организации</h2>
          <SubscriptionTable rows={d.all} withOwner />
          <h2>Журнал отправки (последние 200)</h2>
          <table data-testid="mail-log">
            <thead>
              <tr>
                <th>Запланировано</th>
                <th>Кому</th>
                <th>Что</th>
                <th>Тема</th>
                <th>Состояние</th>
                <th>Попыток</th>
                <th>Отправлено</th>
                <th>Следующая попытка</th>
                <th>Ответ SMTP-сервера</th>
              </tr>
            </thead>
            <tbody>
              {d.log.length === 0 ? (
                <tr>
                  <td colSpan={9} className="muted">
                    Писем ещё не было.
                  </td>
                </tr>
              ) : null}
              {d.log.map((l) => (
                <tr key={l.id}>
                  <td>{l.created_at}</td>
                  <td>{l.address}</td>
                  <td>{l.what}</td>
                  <td>{l.subject}</td>
                  <td>{l.status}</td>
                  <td className="num">{l.attempts}</td>
                  <td>{l.sent_at}</td>
                  <td>{l.next_attempt_at}</td>
                  <td>{l.smtp_response}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </>
  )
}

function SubscriptionTable({
  rows,
  withOwner,
}: {
  rows: { id: string; owner: string; email: string; what: string; when: string; addresses: string }[]
  withOwner?: boolean
}) {
  return (
    <table>
      <thead>
        <tr>
          {withOwner ? <th>Владелец</th> : null}
          <th>Что</th>
          <th>Когда</th>
          <th>Адреса</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 ? (
          <tr>
            <td colSpan={5} className="muted">
              Подписок нет.
            </td>
          </tr>
        ) : null}
        {rows.map((s) => (
          <tr key={s.id}>
            {withOwner ? <td>{s.owner}</td> : null}
            <td>{s.what}</td>
            <td>{s.when}</td>
            <td>{[s.email || '(адрес не указан)', s.addresses].filter(Boolean).join(', ')}</td>
            <td>
              <Form method="post">
                <input type="hidden" name="intent" value="remove" />
                <input type="hidden" name="id" value={s.id} />
                <button type="submit">Отменить</button>
              </Form>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
