import { ADAPTERS } from './adapters.ts'
import { channelPeer, looksLikeMasterCsv } from './cdr.ts'
import { compileMapping, headerFits, mapRow, normaliseDate, parseDuration } from './mapping.ts'
import { WallClock } from './values.ts'

describe('mapping values', () => {
  it('reads the date formats of other systems, refusing what does not fit', () => {
    expect(normaliseDate('2025.03.14 06:00:05', 'YYYY.MM.DD HH:mm:ss', true)).toEqual({ ok: true, value: '2025-03-14T06:00:05Z' })
    expect(normaliseDate('14/03/2025 9:05', 'DD/MM/YYYY HH:mm:ss', false)).toEqual({ ok: true, value: '2025-03-14T09:05:00' })
    expect(normaliseDate('03/14/2025 09:05:07', 'MM/DD/YYYY HH:mm:ss', false)).toEqual({ ok: true, value: '2025-03-14T09:05:07' })
    expect(normaliseDate('20250314090507', 'YYYYMMDDHHmmss', false)).toEqual({ ok: true, value: '2025-03-14T09:05:07' })
    expect(normaliseDate('1741932000', 'epoch', false)).toEqual({ ok: true, value: '2025-03-14T06:00:00.000Z' })
    expect(normaliseDate('2025-03-14 06:00:00', 'auto', true)).toEqual({ ok: true, value: '2025-03-14T06:00:00Z' })
    expect(normaliseDate('14.03.2025', 'YYYY.MM.DD HH:mm:ss', true)).toMatchObject({
      ok: false,
      reason: 'дата «14.03.2025» не в формате ГГГГ.ММ.ДД ЧЧ:ММ:СС (3CX)',
    })
  })

  it('reads durations in seconds or ЧЧ:ММ:СС', () => {
    expect([parseDuration('75'), parseDuration('01:15'), parseDuration('1:02:03'), parseDuration(''), parseDuration('abc')]).toEqual([
      75,
      75,
      3723,
      0,
      undefined,
    ])
  })

  it('a mapping turns a row into canonical cells with value maps, constants, templates and added seconds', () => {
    const compiled = compileMapping(
      {
        kind: 'visits',
        headers: [],
        fields: {
          ticket_id: { template: '{Офис}-{Номер}' },
          office_code: { column: 'Офис' },
          service_kind: { column: 'Услуга', values: { Оплата: 'cashier' }, otherwise: 'other' },
          issued_at: { column: 'Выдан' },
          called_at: { column: 'Выдан', plusSeconds: ['Ожидание'] },
        },
      },
      ['Офис', 'Номер', 'Услуга', 'Выдан', 'Ожидание'],
    )
    if ('error' in compiled) throw new Error(compiled.error)
    const ok = mapRow(compiled, ['ЦОП-1', '7', 'оплата ', new WallClock(new Date('2025-03-14T09:00:00Z')), '00:04:00'], 'Europe/Moscow')
    expect(ok.problems).toEqual([])
    expect(ok.row).toMatchObject({
      ticket_id: 'ЦОП-1-7',
      service_kind: 'cashier',
      issued_at: new Date('2025-03-14T06:00:00Z'),
      called_at: new Date('2025-03-14T06:04:00Z'),
    })
    const bad = mapRow(compiled, ['ЦОП-1', '8', 'Справка', '14.03.2025 09:00', 'долго'], 'Europe/Moscow')
    expect(bad.row.service_kind).toBe('other')
    expect(bad.problems).toEqual([
      { column: 'called_at', value: 'долго', reason: 'длительность в столбце «Ожидание» не прочитана: ожидаются секунды или ЧЧ:ММ:СС' },
    ])
  })

  it('a mapping that leaves a required column unset is refused before any row', () => {
    expect(compileMapping({ kind: 'calls', headers: [], fields: { call_id: { column: 'id' } } }, ['id'])).toEqual({
      error:
        'Сопоставление не задаёт обязательные столбцы: direction (направление), started_at (начало), ended_at (окончание) — укажите для них столбец файла или постоянное значение.',
    })
  })

  it('the built-in mappings are valid and recognise their own headers only', () => {
    for (const a of ADAPTERS.filter((x) => x.mapping)) {
      expect(headerFits(a.mapping!, a.mapping!.headers)).toBe(true)
      for (const b of ADAPTERS.filter((x) => x.mapping && x !== a)) expect(headerFits(a.mapping!, b.mapping!.headers)).toBe(false)
    }
  })
})

describe('Asterisk CDR', () => {
  it('tells a Master.csv row from a header and strips channel suffixes', () => {
    const row = [
      '',
      '79161111111',
      '8001',
      'from-pstn',
      '',
      'SIP/trunk-00000001',
      'SIP/101-00000002',
      'Queue',
      'support',
      '2025-03-14 09:00:00',
      '2025-03-14 09:00:20',
      '2025-03-14 09:05:00',
      '300',
      '280',
      'ANSWERED',
      'DOCUMENTATION',
      '1.1',
      '',
    ]
    expect(looksLikeMasterCsv(row)).toBe(true)
    expect(looksLikeMasterCsv(['call_id', 'direction', 'started_at'])).toBe(false)
    expect([channelPeer('SIP/101-0000001a'), channelPeer('PJSIP/operator2-00000a3f'), channelPeer('Local/101@from-queue-00000001;1')]).toEqual([
      'SIP/101',
      'PJSIP/operator2',
      'Local/101@from-queue',
    ])
  })
})
