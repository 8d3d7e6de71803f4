import { describe, expect, it } from 'vitest'
import { formatPhone, maskPhone, normalisePhone } from './phone.ts'

describe('normalisePhone', () => {
  it('writes every form of one Russian number the same way', () => {
    const forms = ['8 (912) 345-67-89', '+7 912 345 67 89', '+7(912)3456789', '89123456789', '79123456789', '9123456789', ' 8-912-345-67-89 ']
    for (const f of forms) expect(normalisePhone(f), f).toBe('79123456789')
  })
  it('keeps other numbers as their digits and gives null for no number', () => {
    expect(normalisePhone('1234')).toBe('1234')
    expect(normalisePhone('+44 20 7946 0958')).toBe('442079460958')
    expect(normalisePhone('')).toBeNull()
    expect(normalisePhone(null)).toBeNull()
    expect(normalisePhone('anonymous')).toBeNull()
  })
  it('does not take an 11-digit number of another country for a Russian one', () => {
    expect(normalisePhone('+1 212 555 01 99')).toBe('12125550199')
  })
})

describe('formatPhone and maskPhone', () => {
  it('prints the canonical number and masks all but the code and the last two digits', () => {
    expect(formatPhone('79123456789')).toBe('+7 912 345-67-89')
    expect(maskPhone('79123456789')).toBe('+7 912 •••-••-89')
    expect(maskPhone('1234')).toBe('••34')
    expect(maskPhone(null)).toBe('')
  })
})

describe('normText', () => {
  it('says the norm in Russian with the right word form', async () => {
    const { normText } = await import('./callbacks.server.ts')
    expect(normText({ amount: 4, unit: 'hours' })).toBe('4 часа')
    expect(normText({ amount: 1, unit: 'working_days' })).toBe('1 рабочий день')
    expect(normText({ amount: 30, unit: 'minutes' })).toBe('30 минут')
    expect(normText({ amount: 11, unit: 'hours' })).toBe('11 часов')
    expect(normText({ amount: 1.5, unit: 'hours' })).toBe('1,5 часа')
  })
})
