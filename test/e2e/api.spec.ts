/**
 * The import API (ADR 017) through the real server: server.mjs's hardening, the CSRF check, Remix, the
 * server's own import runner (the POST waits for it), the JSON answer.
 */
import { inject } from 'vitest'

const baseUrl = inject('baseUrl')
const token = inject('apiToken')
const auth = { Authorization: `Bearer ${token}` }

const calls = [
  'call_id;direction;line;started_at;answered_at;ended_at',
  'E2E-API-1;in;Горячая линия;14.03.2025 09:00;14.03.2025 09:00:20;14.03.2025 09:03',
  'E2E-API-2;in;Горячая линия;14.03.2025 09:10;;14.03.2025 09:11',
  'E2E-API-3;out;Исходящая;14.03.2025 09:20;14.03.2025 09:20:05;14.03.2025 09:22',
].join('\n')

describe('import API over HTTP', () => {
  it("a posted file is imported by the server's runner while the POST waits; a re-post changes nothing; GET gives the same", async () => {
    const first = await fetch(`${baseUrl}/api/imports/calls?name=e2e-calls.csv`, {
      method: 'POST',
      body: calls,
      headers: { ...auth, 'Content-Type': 'text/csv' },
    })
    expect(first.status).toBe(200)
    expect(first.headers.get('cache-control')).toBe('no-store')
    const body = await first.json()
    expect(body).toMatchObject({
      status: 'done',
      fileName: 'e2e-calls.csv',
      read: 3,
      stored: 3,
      inserted: 3,
      updated: 0,
      unchanged: 0,
      rejected: 0,
      rejections: [],
    })
    const again = await (await fetch(`${baseUrl}/api/imports/calls`, { method: 'POST', body: calls, headers: auth })).json()
    expect(again).toMatchObject({ status: 'done', read: 3, inserted: 0, updated: 0, unchanged: 3 })
    const read = await fetch(`${baseUrl}/api/imports/${body.id}`, { headers: auth })
    expect(read.status).toBe(200)
    expect(await read.json()).toEqual(body)
  })

  it("refusals: no token (even signed in) 401, another kind 403, other methods 405, a web form 415, another site's page 403", async () => {
    const none = await fetch(`${baseUrl}/api/imports/calls`, { method: 'POST', body: calls })
    expect(none.status).toBe(401)
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/)
    expect((await none.json()).error).toMatch(/Authorization: Bearer/)
    expect((await fetch(`${baseUrl}/api/imports/calls`, { method: 'POST', body: calls, headers: { Authorization: 'Bearer sq_not-a-token' } })).status).toBe(401)
    const other = await fetch(`${baseUrl}/api/imports/appeals`, { method: 'POST', body: 'reg_number', headers: auth })
    expect(other.status).toBe(403)
    expect((await other.json()).error).toMatch(/не разрешено загружать/)
    expect((await fetch(`${baseUrl}/api/imports/calls`, { method: 'PUT', body: calls, headers: auth })).status).toBe(405)
    const form = new FormData()
    form.set('file', new Blob([calls]), 'calls.csv')
    expect((await fetch(`${baseUrl}/api/imports/calls`, { method: 'POST', body: form, headers: auth })).status).toBe(415)
    expect((await fetch(`${baseUrl}/api/imports/calls`, { method: 'POST', body: calls, headers: { ...auth, Origin: 'http://evil.example' } })).status).toBe(403)
  })

  it('serves its OpenAPI description', async () => {
    const response = await fetch(`${baseUrl}/api/openapi.json`)
    expect(response.status).toBe(200)
    const doc = await response.json()
    expect(doc.openapi).toBe('3.1.0')
    expect(Object.keys(doc.paths)).toEqual(['/api/imports/{kind}', '/api/imports/{id}'])
    expect(doc.components.schemas.calls.required).toEqual(['call_id', 'direction', 'started_at', 'ended_at'])
  })
})
