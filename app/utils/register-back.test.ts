import { backToRegister, recordHref } from './register-back.ts'

describe('the record card’s way back', () => {
  it('keeps a register list with its filters, sort and page', () => {
    const back = '/registers/appeals?period=year&year=2025&metric=appeals.overdue&sort=due_at&dir=asc&page=3'
    expect(backToRegister(back, 'appeals')).toBe(back)
    expect(backToRegister('/registers/calls', 'appeals')).toBe('/registers/calls')
    const href = recordHref('appeals', '7', { pathname: '/registers/appeals', search: '?sort=office&page=2' })
    expect(href).toBe('/registers/appeals/7?back=%2Fregisters%2Fappeals%3Fsort%3Doffice%26page%3D2')
    expect(backToRegister(new URL(href, 'http://x').searchParams.get('back'), 'appeals')).toBe('/registers/appeals?sort=office&page=2')
  })

  it('refuses anything but a same-site register list', () => {
    for (const bad of [
      'https://evil.example/registers/appeals',
      '//evil.example/registers/appeals',
      '/\\evil.example',
      'javascript:alert(1)',
      '/admin/users',
      '/registers/appeals/5',
      '/registers/other',
      '/registers/appeals/../../admin',
      '',
      null,
    ])
      expect(backToRegister(bad, 'visits'), String(bad)).toBe('/registers/visits')
  })
})
