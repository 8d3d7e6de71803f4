import { rowKey } from './breakdown.tsx'

describe('breakdown rows', () => {
  it('are keyed by their codes: two offices with one name are two rows', () => {
    const a = { label: 'Заречный — консультация', link: { office: 'ЦОП-01', serviceKind: 'consultation' } }
    const b = { label: 'Заречный — консультация', link: { office: 'ЦОП-07', serviceKind: 'consultation' } }
    expect(rowKey(a)).not.toBe(rowKey(b))
    expect(rowKey(a)).toBe('office=ЦОП-01&serviceKind=consultation')
    // the order of the codes does not change the key
    expect(rowKey({ label: 'x', link: { serviceKind: 'consultation', office: 'ЦОП-01' } })).toBe(rowKey(a))
  })
})
