import { kindSpecs } from './kinds.ts'
import { WallClock, parseBool, parseTimestamp, validateRow } from './values.ts'

const MSK = 'Europe/Moscow'
const EKB = 'Asia/Yekaterinburg'
const iso = (cell: string | WallClock, zone = MSK) => {
  const r = parseTimestamp(cell, zone)
  return r.ok ? r.value.toISOString() : `ошибка: ${r.reason}`
}

describe('parseTimestamp', () => {
  it('reads ISO 8601 with an offset, with Z and without an offset (local time)', () => {
    expect(iso('2025-03-14T09:05:00+03:00')).toBe('2025-03-14T06:05:00.000Z')
    expect(iso('2025-03-14T09:05:00Z')).toBe('2025-03-14T09:05:00.000Z')
    expect(iso('2025-03-14 09:05')).toBe('2025-03-14T06:05:00.000Z')
    expect(iso('2025-03-14 09:05', EKB)).toBe('2025-03-14T04:05:00.000Z')
    expect(iso('2025-03-14T09:05:00.250+0500')).toBe('2025-03-14T04:05:00.250Z')
  })

  it('reads fractions of a second and local ISO times on the fast path exactly as on the general one', () => {
    expect(iso('2025-03-14T09:05:00.123Z')).toBe('2025-03-14T09:05:00.123Z')
    expect(iso('2025-03-14T09:05:00.5+05:00')).toBe('2025-03-14T04:05:00.500Z')
    expect(iso('2025-03-14T09:05:00.123456-01:30')).toBe('2025-03-14T10:35:00.123Z')
    expect(iso('2025-03-14 09:05:00')).toBe('2025-03-14T06:05:00.000Z')
    expect(iso('2025-03-14T09:05:00.9', EKB)).toBe('2025-03-14T04:05:00.900Z')
    expect(iso('2025-02-29T09:05:00Z')).toMatch(/такой даты нет/)
    expect(iso('2025-03-14T09:05:00+15:00')).toMatch(/смещение часового пояса вне диапазона/)
  })

  it('reads the Russian forms, with and without seconds, and a date alone as 00:00 local', () => {
    expect(iso('14.03.2025 09:05')).toBe('2025-03-14T06:05:00.000Z')
    expect(iso('14.03.2025 09:05:30')).toBe('2025-03-14T06:05:30.000Z')
    expect(iso('14.03.2025')).toBe('2025-03-13T21:00:00.000Z')
    expect(iso('1.3.2025 9:05')).toBe('2025-03-01T06:05:00.000Z')
    expect(iso('2025-01-01', EKB)).toBe('2024-12-31T19:00:00.000Z')
  })

  it('refuses impossible dates instead of rolling them over', () => {
    expect(iso('31.02.2025')).toMatch(/такой даты нет: «31.02.2025»/)
    expect(iso('2025-02-29T10:00')).toMatch(/такой даты нет/)
    expect(iso('29.02.2024')).toBe('2024-02-28T21:00:00.000Z')
    expect(iso('14.13.2025')).toMatch(/такой даты нет/)
    expect(iso('14.03.2025 25:00')).toMatch(/такого времени нет/)
    expect(iso('14.03.1890')).toMatch(/вне допустимого диапазона/)
    expect(iso('вчера')).toMatch(/не удалось прочитать дату и время «вчера»/)
  })

  it('reads XLSX date cells as the wall clock of the organisation', () => {
    // exceljs: a Date whose UTC fields hold the wall-clock time shown in the cell
    expect(iso(new WallClock(new Date(Date.UTC(2025, 2, 14, 9, 5))), EKB)).toBe('2025-03-14T04:05:00.000Z')
  })
})

describe('parseBool', () => {
  it.each([
    ['1', true],
    ['да', true],
    ['Yes', true],
    ['true', true],
    ['0', false],
    ['нет', false],
    ['', false],
    ['no', false],
  ])('%s → %s', (text, expected) => expect(parseBool(text)).toEqual({ ok: true, value: expected }))
  it('refuses anything else', () => expect(parseBool('может быть').ok).toBe(false))
})

describe('validateRow', () => {
  const cells = (values: Record<string, string>) => (column: string) => values[column]
  const appeal = {
    reg_number: 'О-1',
    received_at: '14.03.2025 09:05',
    form: 'Почта',
    topic: 'ТП',
    answered_at: '13.03.2025 10:00',
  }

  it('accepts codes and Russian labels case-insensitively, and reports every bad cell of a row', () => {
    const { row, problems } = validateRow(kindSpecs.appeals, cells(appeal), MSK)
    expect(row.form).toBe('post')
    expect(row.topic).toBe('connection')
    expect(problems).toEqual([{ column: 'answered_at', value: '13.03.2025 10:00', reason: 'дата ответа раньше даты поступления' }])
  })

  it('names the enumeration and the allowed values for an unknown code', () => {
    const { problems } = validateRow(kindSpecs.appeals, cells({ ...appeal, answered_at: '', form: 'голубиная' }), MSK)
    expect(problems).toHaveLength(1)
    expect(problems[0]!.reason).toMatch(/^неизвестное значение формы обслуживания «голубиная»; допустимо: in_person \(очная\)/)
  })

  it('reports missing required values and over-long cells', () => {
    const { problems } = validateRow(
      kindSpecs.appeals,
      cells({ reg_number: '', received_at: '14.03.2025', form: 'phone', topic: 'other', channel: 'x'.repeat(10_001) }),
      MSK,
    )
    expect(problems.map((p) => [p.column, p.reason])).toEqual([
      ['reg_number', 'обязательное значение не заполнено'],
      ['channel', 'значение длиннее 10\u00a0000 символов'],
    ])
  })

  it('checks the order of visit timestamps and that a service end needs a call to the window', () => {
    const visit = { ticket_id: 'Т-1', office_code: 'ЦОП-01', service_kind: 'касса', issued_at: '14.03.2025 10:00' }
    expect(validateRow(kindSpecs.visits, cells({ ...visit, called_at: '14.03.2025 09:59' }), MSK).problems[0]!.reason).toBe('вызов к окну раньше выдачи талона')
    expect(validateRow(kindSpecs.visits, cells({ ...visit, service_ended_at: '14.03.2025 10:30' }), MSK).problems[0]!.reason).toBe(
      'окончание обслуживания указано, а вызов к окну — нет',
    )
  })

  it('checks calls: end after start, answer within the call', () => {
    const call = { call_id: '1', direction: 'вх', started_at: '14.03.2025 10:00', ended_at: '14.03.2025 09:00' }
    expect(validateRow(kindSpecs.calls, cells(call), MSK).problems.map((p) => p.reason)).toEqual(['окончание звонка раньше его начала'])
    const answeredLate = { ...call, ended_at: '14.03.2025 10:05', answered_at: '14.03.2025 10:06' }
    expect(validateRow(kindSpecs.calls, cells(answeredLate), MSK).problems.map((p) => p.reason)).toEqual(['окончание звонка раньше ответа'])
  })
})
