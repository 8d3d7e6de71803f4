import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from '@remix-run/node'
import { FieldError, FormError, fieldErrorsOf, invalid } from '#app/components/form-error.tsx'
import { VocabularyOptions } from '#app/components/metric-text.tsx'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { InputError } from '#reports/errors.ts'
import { listPhoneLines, phoneLinesText } from '#app/models/phone-line.server.ts'
import { saveSettings } from '#app/models/settings.server.ts'
import { listBranchCodes, setBranchCode, setOfficeCode } from '#app/models/codes.server.ts'
import { type Actor, runCommand } from '#app/models/command.server.ts'
import { getAppContext } from '#app/utils/app-database.server.ts'
import { inboxSetting } from '#app/integration/inbox.server.ts'
import { requireActor, requireRouteAccess } from '#app/utils/auth.server.ts'
import { oneOf, optionalDecimalNumber, optionalWholeNumber, parseInput, refusalOfError, text, z } from '#app/utils/input.ts'
import { regime } from '#reports/vocabulary.ts'
import { callbackNorm, normText } from '#reports/callbacks/callbacks.server.ts'
import { mailOffReason } from '#app/mail/config.server.ts'
import { countOf, WORDS } from '#reports/plural.ts'
import { RUSSIAN_ZONES, zoneLabel } from '#app/utils/zones.ts'

export const meta: MetaFunction = () => [{ title: 'Организация — Качество обслуживания' }]

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRouteAccess(request, 'admin.settings.tsx')
  const { database, org } = await getAppContext()
  const lines = await listPhoneLines(database.db, org.id)
  return {
    mailOff: mailOffReason(),
    lostCallbackAmount: org.lost_callback_amount === null ? '' : String(Number(org.lost_callback_amount)),
    lostCallbackUnit: org.lost_callback_unit ?? 'hours',
    currentNorm: await callbackNorm(database.db, org.id).then((n) => ({ text: normText(n), source: n.source })),
    name: org.name,
    timeZone: org.time_zone,
    regime: org.regime,
    shortAbandon: org.short_abandon_seconds,
    serviceLevel: org.service_level_seconds,
    phoneLines: phoneLinesText(lines),
    signer: { position: org.signer_position ?? '', name: org.signer_name ?? '', phone: org.signer_phone ?? '' },
    inbox: inboxSetting(org),
    branches: await listBranchCodes(database.db, org.id),
  }
}

/** One code changed by its own small form (branch or office): checked, saved and audited in one command — or refused in Russian. */
async function changeCode(form: FormData, actor: Actor) {
  const { database } = await getAppContext()
  const what = form.get('intent') === 'branch-code' ? 'branch' : 'office'
  const id = String(form.get('id') ?? '')
  const code = String(form.get('code') ?? '')
  try {
    const change = await runCommand(database.db, actor, async (tx) => {
      const change = what === 'branch' ? await setBranchCode(tx, actor.org.id, id, code) : await setOfficeCode(tx, actor.org.id, id, code)
      return {
        result: change,
        audit: change
          ? {
              action: what === 'branch' ? 'branch.code' : 'office.code',
              object: what === 'branch' ? `филиал «${change.name}»` : `офис «${change.name}»`,
              details: { before: change.from, after: change.to },
            }
          : null,
      }
    })
    if (!change) return { error: null, saved: false, code: { what, id, message: 'Код не изменился.' } }
    return { error: null, saved: false, code: { what, id: what === 'branch' ? id : change.to, message: `Код изменён: «${change.from}» → «${change.to}».` } }
  } catch (error) {
    if (error instanceof InputError) return data({ error: null, saved: false, code: { what, id, message: error.message, failed: true } }, { status: 400 })
    throw error
  }
}

const settingsForm = z.object({
  name: text({ max: 300 }),
  timeZone: text({ max: 100 }),
  regime: oneOf(['network', 'supplier', 'both'], 'Неизвестный режим: выберите из списка.'),
  shortAbandon: optionalWholeNumber(0, 600, 'Целое число секунд от 0 до 600.'),
  serviceLevel: optionalWholeNumber(1, 3600, 'Целое число секунд от 1 до 3600 (или пусто: из правила ответа на звонок).'),
  lostCallbackAmount: optionalDecimalNumber(Number.MIN_VALUE, 10_000, 'Положительное число до 10 000 (или пусто: из правила перезвона).'),
  lostCallbackUnit: text({ max: 50 }), // checked with the amount by updateOrganisation
  signerPosition: text({ max: 200, raw: true }),
  signerName: text({ max: 200, raw: true }),
  signerPhone: text({ max: 200, raw: true }),
  phoneLines: text({ max: 200_000, raw: true }),
  importInbox: z.preprocess((v) => (Array.isArray(v) ? v[0] : v), z.string().max(1000, { error: 'Не длиннее 1000 знаков.' }).optional()),
})

const LABELS = {
  name: 'Название',
  timeZone: 'Часовой пояс',
  regime: 'Режим',
  shortAbandon: 'Короткий сброс',
  serviceLevel: 'Уровень обслуживания',
  lostCallbackAmount: 'Норматив перезвона',
  lostCallbackUnit: 'Единица норматива перезвона',
  signerPosition: 'Должность подписывающего',
  signerName: 'Ф. И. О. подписывающего',
  signerPhone: 'Телефон подписывающего',
  phoneLines: 'Линии',
  importInbox: 'Папка загрузки',
}

export async function action({ request, context }: ActionFunctionArgs) {
  const actor = await requireActor({ request, context }, 'admin.settings.tsx')
  const { database } = await getAppContext()
  const raw = await request.formData()
  if (raw.get('intent') === 'branch-code' || raw.get('intent') === 'office-code') return changeCode(raw, actor)
  const parsed = parseInput(settingsForm, raw, LABELS)
  if (!parsed.ok) return data({ error: parsed.error, fieldErrors: parsed.fieldErrors, saved: false }, { status: 400 })
  const form = parsed.data
  const settings = {
    name: form.name,
    timeZone: form.timeZone,
    regime: form.regime,
    shortAbandonSeconds: form.shortAbandon ?? 5,
    serviceLevelSeconds: form.serviceLevel,
    lostCallback: form.lostCallbackAmount === null ? null : { amount: form.lostCallbackAmount, unit: form.lostCallbackUnit as 'hours' },
    signer: { position: form.signerPosition, name: form.signerName, phone: form.signerPhone },
  }
  try {
    await saveSettings(database, actor, { settings, phoneLines: form.phoneLines, importInbox: form.importInbox })
  } catch (error) {
    if (error instanceof InputError) return data({ ...refusalOfError(error), saved: false }, { status: 400 })
    throw error
  }
  return { error: null, fieldErrors: {}, saved: true }
}

const UNIT_WORDS: Record<string, string> = { minutes: 'минут', hours: 'часов', calendar_days: 'календарных дней', working_days: 'рабочих дней' }
const SHORT_ABANDON_CHOICES = [0, 3, 5, 10, 15, 20, 30, 60]
const SERVICE_LEVEL_CHOICES = [10, 15, 20, 30, 45, 60, 90, 120, 180]
/** The choices and, if it is not among them, the value saved before (set through the CLI), in order. */
const withCurrent = (choices: number[], current: number | null) =>
  current === null || choices.includes(current) ? choices : [...choices, current].sort((a, b) => a - b)

export default function Settings() {
  const settings = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const errors = fieldErrorsOf(actionData)
  return (
    <>
      <h1>Организация</h1>
      <p className={settings.mailOff ? 'notice error' : 'notice ok'} data-testid="mail-status">
        {settings.mailOff ?? 'Почта настроена (SMTP_URL, MAIL_FROM): оповещения и рассылки отправляются.'} Подписки и журнал отправки — в разделе{' '}
        <a href="/mail">«Почта»</a>.
      </p>
      <Form method="post" className="stack card">
        <label>
          Название
          <input {...invalid(errors, 'name')} type="text" name="name" defaultValue={settings.name} required />
          <FieldError errors={errors} name="name" />
        </label>
        <label>
          Часовой пояс организации (по нему считаются сутки, месяцы и сроки)
          <select {...invalid(errors, 'timeZone')} name="timeZone" defaultValue={settings.timeZone} required>
            {RUSSIAN_ZONES.some((z) => z.zone === settings.timeZone) ? null : <option value={settings.timeZone}>{zoneLabel(settings.timeZone)}</option>}
            {RUSSIAN_ZONES.map((z) => (
              <option key={z.zone} value={z.zone}>
                {z.label}
              </option>
            ))}
          </select>
          <FieldError errors={errors} name="timeZone" />
        </label>
        <label>
          Режим
          <select {...invalid(errors, 'regime')} name="regime" defaultValue={settings.regime}>
            <VocabularyOptions vocabulary={regime} />
          </select>
          <FieldError errors={errors} name="regime" />
        </label>
        <label>
          Короткий сброс (неотвеченные звонки короче не считаются потерянными)
          <select {...invalid(errors, 'shortAbandon')} name="shortAbandon" defaultValue={String(settings.shortAbandon)}>
            {withCurrent(SHORT_ABANDON_CHOICES, settings.shortAbandon).map((n) => (
              <option key={n} value={n}>
                {n === 0 ? 'не учитывать (все неотвеченные — потерянные)' : `короче ${countOf(n, WORDS.second)}`}
              </option>
            ))}
          </select>
          <FieldError errors={errors} name="shortAbandon" />
        </label>
        <label>
          Порог уровня обслуживания (доля звонков, принятых за это время)
          <select {...invalid(errors, 'serviceLevel')} name="serviceLevel" defaultValue={settings.serviceLevel === null ? '' : String(settings.serviceLevel)}>
            <option value="">из правила ответа на звонок (иначе 20 секунд)</option>
            {withCurrent(SERVICE_LEVEL_CHOICES, settings.serviceLevel).map((n) => (
              <option key={n} value={n}>
                {countOf(n, WORDS.second)}
              </option>
            ))}
          </select>
          <FieldError errors={errors} name="serviceLevel" />
        </label>
        <fieldset>
          <legend>
            Норматив перезвона потерянным звонкам (раздел «Перезвоны»; сейчас: {settings.currentNorm.text}, {settings.currentNorm.source})
          </legend>
          <label>
            Значение (пусто — из правила перезвона потерянных звонков в «Правилах сроков», иначе 4 часа)
            <input
              {...invalid(errors, 'lostCallbackAmount')}
              type="text"
              inputMode="decimal"
              name="lostCallbackAmount"
              defaultValue={settings.lostCallbackAmount}
            />
            <FieldError errors={errors} name="lostCallbackAmount" />
          </label>
          <label>
            Единица
            <select {...invalid(errors, 'lostCallbackUnit')} name="lostCallbackUnit" defaultValue={settings.lostCallbackUnit}>
              {Object.entries(UNIT_WORDS).map(([k, v]) => (
                <option key={k} value={k}>
                  {v}
                </option>
              ))}
            </select>
            <FieldError errors={errors} name="lostCallbackUnit" />
          </label>
        </fieldset>
        <label>
          Телефонные линии по филиалам: строка «линия; филиал» (звонки линии видит филиал; линии без строки — только вся организация)
          <textarea {...invalid(errors, 'phoneLines')} name="phoneLines" rows={5} defaultValue={settings.phoneLines} />
          <FieldError errors={errors} name="phoneLines" />
        </label>
        <fieldset>
          <legend>Подпись отчётов для регулятора (блок подписи в PDF Приложения 7 и отчёта о стандарте)</legend>
          <label>
            Должность подписывающего
            <input
              {...invalid(errors, 'signerPosition')}
              type="text"
              name="signerPosition"
              maxLength={200}
              defaultValue={settings.signer.position}
              placeholder="Генеральный директор"
            />
            <FieldError errors={errors} name="signerPosition" />
          </label>
          <label>
            Ф. И. О.
            <input
              {...invalid(errors, 'signerName')}
              type="text"
              name="signerName"
              maxLength={200}
              defaultValue={settings.signer.name}
              placeholder="Иванов И. И."
            />
            <FieldError errors={errors} name="signerName" />
          </label>
          <label>
            Телефон для связи (исполнитель)
            <input {...invalid(errors, 'signerPhone')} type="text" name="signerPhone" maxLength={200} defaultValue={settings.signer.phone} />
            <FieldError errors={errors} name="signerPhone" />
          </label>
        </fieldset>
        <fieldset>
          <legend>Папка загрузки (файлы из папки загружаются сами, см. README «Загрузка без участия человека»)</legend>
          {settings.inbox.fromEnv ? (
            <p data-testid="inbox">
              Используется папка <code>{settings.inbox.dir}</code> — она задана переменной окружения IMPORT_INBOX и здесь не меняется.
            </p>
          ) : (
            <label>
              Папка на сервере (полный путь; пусто — не следить). Файлы кладутся в подпапки offices, appeals, calls, visits; загруженные переносятся в done/,
              отклонённые — в failed/ вместе с отчётом.
              <input
                {...invalid(errors, 'importInbox')}
                type="text"
                name="importInbox"
                defaultValue={settings.inbox.dir ?? ''}
                placeholder="/srv/service-quality/inbox"
                data-testid="inbox"
              />
              <FieldError errors={errors} name="importInbox" />
            </label>
          )}
        </fieldset>
        <FormError message={actionData?.error} />
        {actionData?.saved ? <p className="notice ok">Сохранено.</p> : null}
        <button type="submit">Сохранить</button>
      </Form>
      <BranchCodes branches={settings.branches} result={actionData && 'code' in actionData ? actionData.code : undefined} />
    </>
  )
}

type CodeResult = { what: string; id: string; message: string; failed?: boolean }

/** Branch and office codes, each edited by its own form (ADR 022, 027). */
function BranchCodes({
  branches,
  result,
}: {
  branches: { id: string; name: string; code: string; offices: { code: string; name: string }[] }[]
  result?: CodeResult
}) {
  const note = (what: string, id: string) =>
    result && result.what === what && result.id === id ? (
      <div className={result.failed ? 'notice error' : 'notice ok'} role={result.failed ? 'alert' : 'status'}>
        {result.message}
      </div>
    ) : null
  const codeForm = (intent: string, id: string, value: string, label: string) => (
    <Form method="post" className="inline-form" key={`${intent}:${id}:${value}`}>
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="id" value={id} />
      <input type="text" name="code" defaultValue={value} required maxLength={intent === 'branch-code' ? 20 : 50} aria-label={label} size={10} />
      <button type="submit">Сохранить</button>
    </Form>
  )
  return (
    <section className="card" id="codes">
      <h2>Филиалы и офисы: коды</h2>
      <p className="muted">
        Код филиала — то, чем файл офисов может назвать филиал (столбец «код_филиала»); коды не повторяются (регистр и «ё» не различаются). Код офиса меняется и
        во всех обращениях, посещениях и анкетах этого офиса; показатели пересчитываются.
      </p>
      {branches.length === 0 ? (
        <p>Филиалов ещё нет: они создаются загрузкой справочника офисов.</p>
      ) : (
        <table data-testid="branch-codes">
          <thead>
            <tr>
              <th>Филиал</th>
              <th>Код филиала</th>
              <th>Офисы (код)</th>
            </tr>
          </thead>
          <tbody>
            {branches.map((b) => (
              <tr key={b.id || 'none'}>
                <td>{b.name}</td>
                <td>
                  {b.id ? codeForm('branch-code', b.id, b.code, `Код филиала ${b.name}`) : '—'}
                  {note('branch', b.id)}
                </td>
                <td>
                  {b.offices.length === 0
                    ? 'нет офисов'
                    : b.offices.map((o) => (
                        <div key={o.code}>
                          {o.name}: {codeForm('office-code', o.code, o.code, `Код офиса ${o.name}`)}
                          {note('office', o.code)}
                        </div>
                      ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}
