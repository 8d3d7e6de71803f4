import { type IntegrationToken, tokenListing } from './tokens.server.ts'

/** One listing of a token for the tokens page and `token list`. */
describe('tokenListing', () => {
  const base = { id: '1', name: 'АТС', kinds: ['calls'], branchIds: null, expiresAt: null, revokedAt: null } as unknown as IntegrationToken
  const now = new Date('2026-12-01T12:00:00Z')
  it('states, scope and the last valid minute of the expiry day in the zone', () => {
    expect(tokenListing(base, new Map(), 'Europe/Moscow', now)).toEqual({ state: 'действует', scope: 'вся организация', until: 'бессрочно' })
    // the end of 31.12.2026 in Moscow is stored as 00:00 on 1 January (21:00 UTC)
    const dated = { ...base, branchIds: ['7', '9'], expiresAt: new Date('2026-12-31T21:00:00Z') }
    expect(tokenListing(dated, new Map([['7', 'Северные ЭС']]), 'Europe/Moscow', now)).toEqual({
      state: 'действует',
      scope: 'Северные ЭС, 9',
      until: '31.12.2026 23:59',
    })
    expect(tokenListing({ ...dated, expiresAt: new Date('2026-11-30T21:00:00Z') }, new Map(), 'Europe/Moscow', now).state).toBe('истёк')
    expect(tokenListing({ ...base, revokedAt: new Date('2026-11-01T00:00:00Z') }, new Map(), 'Europe/Moscow', now).state).toBe('отозван')
  })
})
