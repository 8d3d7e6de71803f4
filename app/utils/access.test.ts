import fs from 'node:fs'
import path from 'node:path'
import { ROLES, canSeePersonalData, hasAnyRole, maskPersonal, routeAccess } from './access.ts'
import { safeRedirect } from './auth.server.ts'

describe('access rules', () => {
  it('every route module has a line in the access table, and every line a module', () => {
    const files = fs.readdirSync(path.resolve(import.meta.dirname, '../routes')).sort()
    expect(Object.keys(routeAccess).sort()).toEqual(files)
  })

  it('roles: any one allowed role suffices; personal data for operator, quality officer, administrator', () => {
    expect(hasAnyRole(['management'], ['operator', 'admin'])).toBe(false)
    expect(hasAnyRole(['management', 'operator'], ['operator', 'admin'])).toBe(true)
    expect(ROLES.filter((r) => canSeePersonalData([r]))).toEqual(['quality', 'operator', 'admin'])
  })

  it('masks personal values so that records can be told apart but people not identified', () => {
    expect(maskPersonal('Иванов Иван Иванович')).toBe('И••••••••ич')
    expect(maskPersonal('+7 916 123-45-67')).toBe('+••••••••67')
    expect(maskPersonal('ab')).toBe('•••')
    expect(maskPersonal(null)).toBe('')
  })
})

describe('sign-in', () => {
  it('redirects only within the site', () => {
    expect(safeRedirect('/imports?page=2')).toBe('/imports?page=2')
    expect(safeRedirect('//evil.example/x')).toBe('/')
    expect(safeRedirect('https://evil.example')).toBe('/')
    expect(safeRedirect('/\\evil.example')).toBe('/')
    expect(safeRedirect(null)).toBe('/')
    // control characters that browsers drop (`/\t/evil.example` is `//evil.example` to them) or that would split the header
    for (const sneaky of [
      '/\t/evil.example',
      '/%09/evil.example'.replace('%09', '\t'),
      '/\n/evil.example',
      '/\r\nSet-Cookie: x=1',
      '/\u0000/evil',
      '/ \t/evil.example',
      '\t//evil.example',
      'javascript:alert(1)',
      '/\\/evil.example',
      '/\u2028/x',
    ]) {
      const to = safeRedirect(sneaky)
      expect(to, JSON.stringify(sneaky)).toBe('/')
    }
    // what stays is on this site and well formed
    expect(safeRedirect('/reports?year=2025#x')).toBe('/reports?year=2025#x')
    expect(safeRedirect('/отчёты')).toBe('/%D0%BE%D1%82%D1%87%D1%91%D1%82%D1%8B')
    expect(new URL(safeRedirect('/a/..//evil.example'), 'http://x.test').host).toBe('x.test')
  })
})
