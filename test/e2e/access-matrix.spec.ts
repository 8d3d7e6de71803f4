/**
 * Every route × every role (and signed out) → the expected outcome, over real HTTP against the built
 * server. The route list comes from app/routes, so a new route without a line here fails.
 */
import fs from 'node:fs'
import path from 'node:path'
import { inject } from 'vitest'
import ExcelJS from 'exceljs'
import { ROLES, type Role, hasAnyRole, routeAccess } from '#app/utils/access.ts'
import { REPORTS } from '#reports/registry.server.ts'
import { E2E_PASSWORD } from './server.ts'

const baseUrl = inject('baseUrl')

/** How to call each route, and what an allowed user gets. */
const samples: Record<keyof typeof routeAccess, { url: string; method?: 'GET' | 'POST'; allowed: number }> = {
  'healthcheck.ts': { url: '/healthcheck', allowed: 200 },
  'login.tsx': { url: '/login', allowed: 200 },
  'logout.ts': { url: '/logout', allowed: 302 },
  'help.tsx': { url: '/help', allowed: 200 },
  '_index.tsx': { url: '/', allowed: 200 },
  'imports._index.tsx': { url: '/imports', allowed: 200 },
  'imports.upload.ts': { url: '/imports/upload', allowed: 405 },
  'imports.$batchId.tsx': { url: '/imports/1', allowed: 200 },
  'imports.$batchId.progress.ts': { url: '/imports/1/progress', allowed: 200 },
  'imports.$batchId.rejections[.csv].ts': { url: '/imports/1/rejections.csv', allowed: 200 },
  'imports.formats.tsx': { url: '/imports/formats', allowed: 200 },
  'imports.templates.$file.ts': { url: '/imports/templates/calls.xlsx', allowed: 200 },
  'imports.mappings._index.tsx': { url: '/imports/mappings', allowed: 200 },
  'imports.mappings.edit.tsx': { url: '/imports/mappings/edit?kind=calls', allowed: 200 },
  'admin.users._index.tsx': { url: '/admin/users', allowed: 200 },
  'admin.users.$userId.tsx': { url: '/admin/users/2', allowed: 200 },
  'admin.audit.tsx': { url: '/admin/audit', allowed: 200 },
  'admin.settings.tsx': { url: '/admin/settings', allowed: 200 },
  'admin.tokens.tsx': { url: '/admin/tokens', allowed: 200 },
  // the import API takes a token, never a session: with or without a cookie, no token is a 401
  'api.imports.$param.ts': { url: '/api/imports/1', allowed: 401 },
  'api.openapi[.json].ts': { url: '/api/openapi.json', allowed: 200 },
  'rules._index.tsx': { url: '/rules', allowed: 200 },
  'rules.$ruleId.tsx': { url: '/rules/1', allowed: 200 },
  'calendar._index.tsx': { url: '/calendar?year=2025', allowed: 200 },
  'deadlines._index.tsx': { url: '/deadlines', allowed: 200 },
  'deadlines.records.tsx': { url: '/deadlines/records?outcome=overdue', allowed: 200 },
  // the network preset's first norm rule (ids follow the preset order: appeal written, appeal phone, call callback)
  'deadlines.norms.$ruleId.tsx': { url: '/deadlines/norms/3', allowed: 200 },
  'dashboard._index.tsx': { url: '/dashboard?period=year&year=2025', allowed: 200 },
  // the registry's files: signed in, then the report's page decides (lost calls: every role, numbers masked by role)
  'files.$report.$format.ts': { url: '/files/lost-calls/xlsx?period=month&year=2025&month=3', allowed: 200 },
  'dashboard[.xlsx].ts': { url: '/dashboard.xlsx?period=month&year=2025&month=3', allowed: 200 },
  'registers.$domain._index.tsx': { url: '/registers/appeals?metric=appeals.received', allowed: 200 },
  'registers.$domain.export[.xlsx].ts': { url: '/registers/visits/export.xlsx?period=month&year=2025&month=3', allowed: 200 },
  'registers.$domain.$id.tsx': { url: '/registers/appeals/1', allowed: 200 },
  'reports._index.tsx': { url: '/reports', allowed: 200 },
  'reports.appendix-7._index.tsx': { url: '/reports/appendix-7?year=2025', allowed: 200 },
  'reports.appendix-7.download.$format.ts': { url: '/reports/appendix-7/download/ods?year=2025', allowed: 200 },
  'reports.appendix-7.checks.$checkId.tsx': { url: '/reports/appendix-7/checks/form-and-outcome?year=2025', allowed: 200 },
  'reports.appendix-7.inputs.tsx': { url: '/reports/appendix-7/inputs?year=2025', allowed: 200 },
  // no report is frozen in the shared server: an allowed role gets «not found», the others are refused first
  'reports.appendix-7.snapshots.$snapshotId.tsx': { url: '/reports/appendix-7/snapshots/999999', allowed: 404 },
  'reports.appendix-7.snapshots.$snapshotId.file.ts': { url: '/reports/appendix-7/snapshots/999999/file', allowed: 404 },
  'reports.policies.tsx': { url: '/reports/policies', allowed: 200 },
  'reports.supplier-standard._index.tsx': { url: '/reports/supplier-standard?year=2025', allowed: 200 },
  'reports.supplier-standard.download.$format.ts': { url: '/reports/supplier-standard/download/xlsx?year=2025', allowed: 200 },
  'surveys._index.tsx': { url: '/surveys', allowed: 200 },
  'surveys.new.tsx': { url: '/surveys/new', allowed: 200 },
  // no survey with this number: an allowed role gets «not found», the others are refused first
  'surveys.$surveyId._index.tsx': { url: '/surveys/999999', allowed: 404 },
  'surveys.$surveyId.edit.tsx': { url: '/surveys/999999/edit', allowed: 404 },
  'surveys.$surveyId.links.tsx': { url: '/surveys/999999/links', allowed: 404 },
  'surveys.$surveyId.phone.tsx': { url: '/surveys/999999/phone', allowed: 404 },
  'surveys.$surveyId.download.$file.ts': { url: '/surveys/999999/download/summary', allowed: 404 },
  'surveys.$surveyId.preview.tsx': { url: '/surveys/999999/preview', allowed: 404 },
  'surveys.$surveyId.batches.$batchId[.xlsx].ts': { url: '/surveys/999999/batches/1.xlsx', allowed: 404 },
  // the consumer's page: public; an unknown link is «not found» for everyone
  's.$token.tsx': { url: '/s/AAAAAAAAAAAAAAAAAAAAAA', allowed: 404 },
  // a published Appendix 7: public; an unknown or revoked address is «not found» for everyone
  'publications.$token.ts': { url: '/publications/AAAAAAAAAAAAAAAAAAAAAA', allowed: 404 },
  'worklist._index.tsx': { url: '/worklist', allowed: 200 },
  'worklist[.xlsx].ts': { url: '/worklist.xlsx?days=5', allowed: 200 },
  'calls.lost.tsx': { url: '/calls/lost?from=2025-03-01&to=2025-03-31', allowed: 200 },
  'mail._index.tsx': { url: '/mail', allowed: 200 },
  // an unsubscribe link: public; a forged token is «not found» for everyone
  'mail.unsubscribe.$token.tsx': { url: '/mail/unsubscribe/AAAA.BBBB', allowed: 404 },
}

const loginOf: Record<Role, string> = { management: 'manager', quality: 'quality', reporting: 'reporting', operator: 'operator', admin: 'admin' }
const cookies = new Map<Role, string>()

async function signIn(login: string): Promise<string> {
  const body = new URLSearchParams({ login, password: E2E_PASSWORD, redirectTo: '/' })
  const response = await fetch(`${baseUrl}/login`, { method: 'POST', body, redirect: 'manual', headers: { Origin: baseUrl } })
  const cookie = response.headers.get('set-cookie')
  if (response.status !== 302 || !cookie) throw new Error(`sign-in as ${login} failed: ${response.status}`)
  return cookie.split(';')[0]!
}

beforeAll(async () => {
  for (const r of ROLES) cookies.set(r, await signIn(loginOf[r]))
})

describe('route × role matrix', () => {
  it('covers every route module', () => {
    const files = fs.readdirSync(path.resolve(import.meta.dirname, '../../app/routes')).sort()
    expect(Object.keys(samples).sort()).toEqual(files)
  })

  const cases = Object.entries(samples).flatMap(([route, sample]) => [null, ...ROLES].map((r) => [route as keyof typeof routeAccess, r, sample] as const))
  it.each(cases)('%s as %s', async (route, r, sample) => {
    const access = routeAccess[route]
    const response = await fetch(`${baseUrl}${sample.url}`, {
      method: sample.method ?? 'GET',
      redirect: 'manual',
      headers: r ? { Cookie: cookies.get(r)! } : {},
    })
    // nothing a user is sent may be cached (pages and files carry personal data), and no page may hold a NUL
    // (react-dom 18.3.1's streaming renderer left them in attribute values: react/react#31134)
    expect(response.headers.get('cache-control')).toBe('no-store')
    const body = Buffer.from(await response.arrayBuffer())
    if (/text\/html/.test(response.headers.get('content-type') ?? '')) expect(body.indexOf(0), `NUL in ${sample.url} as ${r}`).toBe(-1)
    if (access === 'token') {
      expect(response.status).toBe(sample.allowed)
      expect(response.headers.get('content-type')).toMatch(/^application\/json/)
    } else if (access === 'public') {
      // the sign-in page sends a signed-in user home
      expect(response.status).toBe(route === 'login.tsx' && r ? 302 : sample.allowed)
    } else if (r === null) {
      expect(response.status).toBe(302)
      expect(response.headers.get('location')).toMatch(/^\/login\?redirectTo=/)
    } else if (access === 'signed-in' || (access as readonly Role[]).includes(r)) {
      expect(response.status).toBe(sample.allowed)
    } else {
      expect(response.status).toBe(403)
    }
  })
})

describe('headers and forged requests', () => {
  it('every page carries the security headers; scripts carry the CSP nonce', async () => {
    const response = await fetch(`${baseUrl}/login`)
    const csp = response.headers.get('content-security-policy') ?? ''
    expect(csp).toMatch(/frame-ancestors 'none'/)
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1]
    expect(nonce).toBeTruthy()
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    expect(response.headers.get('referrer-policy')).toBe('same-origin')
    expect(response.headers.get('x-frame-options')).toBe('DENY')
    const html = await response.text()
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0])
    expect(scripts.length).toBeGreaterThan(0)
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`)
  })

  it('a state-changing request from another site is refused', async () => {
    const body = new URLSearchParams({ name: 'Взломано', timeZone: 'Europe/Moscow', regime: 'network' })
    const forged = await fetch(`${baseUrl}/admin/settings`, {
      method: 'POST',
      body,
      redirect: 'manual',
      headers: { Cookie: cookies.get('admin')!, Origin: 'http://evil.example' },
    })
    expect(forged.status).toBe(403)
  })

  it('the same answer for a wrong login and a wrong password, then throttling', async () => {
    const attempt = (login: string, password: string) =>
      fetch(`${baseUrl}/login`, { method: 'POST', body: new URLSearchParams({ login, password }), headers: { Origin: baseUrl } })
    const unknown = await (await attempt('nobody', 'x')).text()
    const wrong = await (await attempt('throttled', 'wrong-password')).text()
    expect(unknown).toContain('Неверный логин или пароль.')
    expect(wrong).toContain('Неверный логин или пароль.')
    for (let i = 0; i < 4; i++) await attempt('throttled', 'wrong-password')
    const blocked = await attempt('throttled', E2E_PASSWORD)
    expect(blocked.status).toBe(429)
    expect(await blocked.text()).toMatch(/Слишком много неудачных попыток входа\. Повторите через 15 мин\./)
  })
})

describe('what the penetration test tried (issue 14)', () => {
  const form = (fields: Record<string, string>, init: RequestInit = {}) =>
    ({ method: 'POST', body: new URLSearchParams(fields), redirect: 'manual', ...init, headers: { Origin: baseUrl, ...(init.headers ?? {}) } }) as RequestInit

  it('30 parallel wrong passwords for one login: only 5 are checked, the rest are refused before the check', async () => {
    const responses = await Promise.all(Array.from({ length: 30 }, () => fetch(`${baseUrl}/login`, form({ login: 'parallel', password: 'wrong-password' }))))
    const statuses = responses.map((r) => r.status)
    expect(statuses.filter((s) => s === 400)).toHaveLength(5)
    expect(statuses.filter((s) => s === 429)).toHaveLength(25)
  })

  it('signing out ends the session on the server: a copied cookie no longer works', async () => {
    const cookie = await signIn('manager')
    const copy = cookie
    expect((await fetch(`${baseUrl}/`, { headers: { Cookie: copy }, redirect: 'manual' })).status).toBe(200)
    const out = await fetch(`${baseUrl}/logout`, { method: 'POST', redirect: 'manual', headers: { Cookie: cookie, Origin: baseUrl } })
    expect(out.status).toBe(302)
    const again = await fetch(`${baseUrl}/`, { headers: { Cookie: copy }, redirect: 'manual' })
    expect(again.status).toBe(302)
    expect(again.headers.get('location')).toMatch(/^\/login/)
  })

  it('redirectTo after sign-in stays on the site; control characters neither escape nor break the header', async () => {
    for (const redirectTo of [
      '/\t/evil.example',
      '/%09/evil.example',
      '//evil.example',
      '/\\evil.example',
      '/a/..//evil.example',
      '/\r\nSet-Cookie: x=1',
      'https://evil.example/',
    ]) {
      const response = await fetch(`${baseUrl}/login`, form({ login: 'reporting', password: E2E_PASSWORD, redirectTo }))
      expect(response.status, JSON.stringify(redirectTo)).toBe(302)
      const location = response.headers.get('location') ?? ''
      expect(new URL(location, baseUrl).origin, JSON.stringify(redirectTo)).toBe(baseUrl)
      expect(location).not.toMatch(/[\u0000-\u001f]/)
    }
    const kept = await fetch(`${baseUrl}/login`, form({ login: 'reporting', password: E2E_PASSWORD, redirectTo: '/reports?year=2025' }))
    expect(kept.headers.get('location')).toBe('/reports?year=2025')
  })

  it('a NUL in a form field is refused in Russian (sign-in, the survey page, the phone survey), not a 500', async () => {
    for (const [url, cookie] of [
      ['/login', undefined],
      ['/s/AAAAAAAAAAAAAAAAAAAAAA', undefined],
      ['/surveys/999999/phone', cookies.get('operator')],
    ] as const) {
      const response = await fetch(
        `${baseUrl}${url}`,
        form({ login: 'adm\u0000in', password: 'x\u0000', q1: '\u0000' }, { headers: cookie ? { Cookie: cookie } : {} }),
      )
      expect(response.status, url).toBe(400)
      expect(await response.text()).toMatch(/недопустимый символ \(NUL/)
    }
  })

  it('a large body before sign-in is refused while it is read', async () => {
    const response = await fetch(`${baseUrl}/login`, form({ login: 'x', password: 'y'.repeat(2 * 1024 * 1024) }))
    expect(response.status).toBe(413)
    expect(await response.text()).toMatch(/данные формы больше 1 МБ/)
  })

  it('an unknown filter value is an error, never «no filter»', async () => {
    const manager = { headers: { Cookie: cookies.get('management')! }, redirect: 'manual' as const }
    for (const query of ['office=%EF%BF%BD%D0%9F%D0%9E%D0%9F-05', 'office=%D0%9D%D0%95%D0%A2-99', 'form=evil', 'branch=999999']) {
      const response = await fetch(`${baseUrl}/dashboard?period=year&year=2025&${query}`, manager)
      expect(response.status, query).toBe(400)
      expect(await response.text()).toMatch(/Неизвестное значение фильтра/)
    }
    expect((await fetch(`${baseUrl}/registers/visits?${'office=%EF%BF%BD%D0%9F%D0%9E%D0%9F-05'}`, manager)).status).toBe(400)
  })

  it('import rejections are for organisation-wide users; a one-branch user gets the totals and a reason', async () => {
    const branchboss = await signIn('branchboss')
    const csv = await fetch(`${baseUrl}/imports/1/rejections.csv`, { headers: { Cookie: branchboss }, redirect: 'manual' })
    expect(csv.status).toBe(403)
    expect(await csv.text()).toMatch(/Построчные ошибки загрузки видят пользователи всей организации/)
    expect((await fetch(`${baseUrl}/imports/1/rejections.csv`, { headers: { Cookie: cookies.get('management')! }, redirect: 'manual' })).status).toBe(200)
  })

  it("an administrator lifts a locked user's sign-in limits", async () => {
    const attempt = () => fetch(`${baseUrl}/login`, form({ login: 'throttled', password: E2E_PASSWORD }))
    // locked by «then throttling» above, or lock it now
    for (let i = 0; i < 5; i++) await fetch(`${baseUrl}/login`, form({ login: 'throttled', password: 'wrong-password' }))
    expect((await attempt()).status).toBe(429)
    const admin = cookies.get('admin')!
    const list = await (await fetch(`${baseUrl}/admin/users`, { headers: { Cookie: admin } })).text()
    const id = /\/admin\/users\/(\d+)"[^>]*>throttled</.exec(list)?.[1]
    expect(id).toBeTruthy()
    const page = await (await fetch(`${baseUrl}/admin/users/${id}`, { headers: { Cookie: admin } })).text()
    expect(page).toMatch(/Неудачных попыток входа за последние 15 минут: \d+/)
    const unlock = await fetch(`${baseUrl}/admin/users/${id}`, form({ intent: 'unlock' }, { headers: { Cookie: admin } }))
    expect(unlock.status).toBe(200)
    expect(await unlock.text()).toContain('Ограничения входа сняты.')
    expect((await attempt()).status).toBe(302)
  })
})

describe('registry files over HTTP (issue 19 §6): /files/<отчёт>/<формат> follows each report’s page', () => {
  // nothing asked for exists: an allowed role is answered 400 or 404 (or the file), a refused one 403 first
  const query = 'year=2025&period=month&month=3&survey=999999&batch=999999&snapshot=999999'
  const cases = REPORTS.flatMap((report) => [null, ...ROLES].map((r) => [report.id, r, report] as const))
  it.each(cases)('%s as %s', async (_id, r, report) => {
    const response = await fetch(`${baseUrl}/files/${report.id}/${report.formats[0]}?${query}`, {
      redirect: 'manual',
      headers: r ? { Cookie: cookies.get(r)! } : {},
    })
    await response.arrayBuffer()
    if (r === null) expect(response.status).toBe(302)
    else if (hasAnyRole([r], routeAccess[report.page as keyof typeof routeAccess])) expect([200, 400, 404]).toContain(response.status)
    else expect(response.status).toBe(403)
  })

  it('the work list: the same file at both addresses; names and phones hidden for the management role', async () => {
    const sheetsOf = async (url: string, cookie: string) => {
      const response = await fetch(`${baseUrl}${url}`, { headers: { Cookie: cookie }, redirect: 'manual' })
      expect(response.status).toBe(200)
      const book = new ExcelJS.Workbook()
      await book.xlsx.load((await response.arrayBuffer()) as ArrayBuffer)
      return book.worksheets.map((w) => [
        w.name,
        (w.getSheetValues() as unknown[][]).filter((row) => row && !['Сформирован', 'По состоянию на', 'Срок на подходе'].includes(String(row[1]))),
      ])
    }
    const manager = await sheetsOf('/files/worklist/xlsx?days=30', cookies.get('management')!)
    expect(await sheetsOf('/worklist.xlsx?days=30', cookies.get('management')!)).toEqual(manager)
    const text = JSON.stringify(manager)
    expect(text).toContain('скрыты (роль без доступа к персональным данным)')
    expect(text).not.toMatch(/\+?7\d{10}/)
    expect(JSON.stringify(await sheetsOf('/files/worklist/xlsx?days=30', cookies.get('quality')!))).toContain('Персональные данные","показаны')
  })

  it('import rejections at the new address: refused to a one-branch user, as at the old one', async () => {
    const branchboss = await signIn('branchboss')
    const csv = await fetch(`${baseUrl}/files/import-rejections/csv?batch=1`, { headers: { Cookie: branchboss }, redirect: 'manual' })
    expect(csv.status).toBe(403)
    expect(await csv.text()).toMatch(/Построчные ошибки загрузки видят пользователи всей организации/)
    const older = await fetch(`${baseUrl}/imports/1/rejections.csv`, { headers: { Cookie: cookies.get('management')! } })
    const newer = await fetch(`${baseUrl}/files/import-rejections/csv?batch=1`, { headers: { Cookie: cookies.get('management')! } })
    expect([newer.status, newer.headers.get('content-type')]).toEqual([200, 'text/csv; charset=utf-8'])
    expect(Buffer.from(await newer.arrayBuffer()).equals(Buffer.from(await older.arrayBuffer()))).toBe(true)
  })
})
