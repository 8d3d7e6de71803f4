/**
 * Outgoing mail settings (issue 18, ADR 019): `SMTP_URL` and `MAIL_FROM`, both required — without them the
 * product sends nothing and the settings page says so.
 *   smtps://user:password@host:465        TLS from the first byte
 *   smtp://user:password@host:587         STARTTLS when the server offers it (add ?requireTLS=true to insist)
 *   smtp://host:25                         no authentication
 * `APP_URL` (e.g. https://kachestvo.example.ru) makes the links in messages absolute; the unsubscribe link
 * needs it too.
 */
import nodemailer, { type Transporter } from 'nodemailer'

export interface MailConfig {
  url: string
  from: string
  appUrl: string
  /** host:port without the password, for the settings page */
  server: string
  secure: boolean
}

export function mailConfig(env: Record<string, string | undefined> = process.env): MailConfig | null {
  const url = env.SMTP_URL?.trim()
  const from = env.MAIL_FROM?.trim()
  if (!url || !from) return null
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return null
  }
  if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') return null
  const appUrl = (env.APP_URL?.trim() || `http://localhost:${env.PORT ?? 3000}`).replace(/\/+$/, '')
  return { url, from, appUrl, server: `${parsed.hostname}:${parsed.port || (parsed.protocol === 'smtps:' ? 465 : 587)}`, secure: parsed.protocol === 'smtps:' }
}

/** Why mail is off, in Russian, for the settings page (null: it is on). */
export function mailOffReason(env: Record<string, string | undefined> = process.env): string | null {
  if (!env.SMTP_URL?.trim() && !env.MAIL_FROM?.trim())
    return 'Почта не настроена: не заданы SMTP_URL и MAIL_FROM. Письма (оповещения и рассылки) не отправляются.'
  if (!env.SMTP_URL?.trim()) return 'Почта не настроена: не задан SMTP_URL. Письма не отправляются.'
  if (!env.MAIL_FROM?.trim()) return 'Почта не настроена: не задан MAIL_FROM (адрес отправителя). Письма не отправляются.'
  if (!mailConfig(env)) return 'SMTP_URL не читается: нужен адрес вида smtp://пользователь:пароль@сервер:587 или smtps://…:465. Письма не отправляются.'
  return null
}

export function createMailTransport(config: MailConfig): Transporter {
  // nodemailer reads host, port, TLS (smtps:), auth and options such as ?requireTLS=true from the URL
  return nodemailer.createTransport(config.url, { connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 60_000 } as never)
}
