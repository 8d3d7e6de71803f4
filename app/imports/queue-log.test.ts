import { type QueueEvent, NO_ENDING_AFTER_MS, assembleCall, callerOf, orderEvents, parseQueueLogLine, realtimeEvent, realtimeHeader } from './queue-log.ts'

const t0 = 1741932000 // 2025-03-14T06:00:00Z

/** Events of pipe-separated lines (the unit under test for parsing feeds the assembly). */
function events(lines: string[]): QueueEvent[] {
  return lines.map((text, i) => {
    const item = parseQueueLogLine(i + 1, text)
    if (item?.kind !== 'event') throw new Error(`line ${i + 1} is not a call event: ${JSON.stringify(item)}`)
    return item.event
  })
}

const at = (s: number) => new Date((t0 + s) * 1000)
const none = new Map<string, number>()

describe('queue_log lines', () => {
  it('reads call events, ignores noise and rejects broken lines with the reason', () => {
    const items = [
      `${t0}|NONE|NONE|NONE|QUEUESTART|`,
      `${t0}|NONE|support|SIP/101|ADDMEMBER|`,
      `${t0}|CLI|support|SIP/101|PAUSE|`,
      `${t0}|1741932001.10|support|SIP/101|AGENTLOGIN|`,
      `${t0}|1741932001.10|support|NONE|DID|88005553535`,
      `${t0 + 1}|1741932001.10|support|NONE|ENTERQUEUE||79161234567|1`,
      `abc|X|q|NONE|ENTERQUEUE`,
      `${t0}|only|three`,
      '   ',
    ].map((text, i) => parseQueueLogLine(i + 1, text))
    expect(items.map((i) => i?.kind ?? null)).toEqual(['ignored', 'ignored', 'ignored', 'ignored', 'ignored', 'event', 'rejected', 'rejected', null])
    expect(items[5]).toEqual({
      kind: 'event',
      line: 6,
      event: { uniqueid: '1741932001.10', at: (t0 + 1) * 1000, queue: 'support', agent: '', event: 'ENTERQUEUE', data: '|79161234567|1' },
    })
    expect(items[6]).toMatchObject({
      line: 7,
      problems: [{ column: 'queue_log', reason: expect.stringMatching(/^неверное время события «abc»: ожидается число секунд/) }],
    })
    expect(items[7]).toMatchObject({ line: 8, problems: [{ reason: expect.stringMatching(/^строка queue_log должна содержать не менее 5 полей/) }] })
  })

  it('reads the caller from either ENTERQUEUE layout', () => {
    expect(callerOf('|79161234567|1')).toBe('79161234567') // url|callerid|position
    expect(callerOf('http://crm/x|79161234567|3')).toBe('79161234567')
    expect(callerOf('2|79160000000')).toBe('79160000000') // position|callerid
    expect(callerOf('||1')).toBeNull()
    expect(callerOf('')).toBeNull()
  })

  it('reads the realtime table exported as CSV: date-time in local time or epoch, data1…data5', () => {
    const positions = realtimeHeader(['id', 'time', 'callid', 'queuename', 'agent', 'event', 'data1', 'data2', 'data3', 'data4', 'data5'])!
    expect(positions).not.toBeNull()
    expect(realtimeHeader(['call_id', 'direction', 'started_at'])).toBeNull()
    const local = realtimeEvent(
      2,
      ['1', '2025-03-14 09:00:01', 'A.1', 'support', 'NONE', 'ENTERQUEUE', '', '79161234567', '1', '', ''],
      positions,
      'Europe/Moscow',
    )
    expect(local).toEqual({
      kind: 'event',
      line: 2,
      event: { uniqueid: 'A.1', at: (t0 + 1) * 1000, queue: 'support', agent: '', event: 'ENTERQUEUE', data: '|79161234567|1' },
    })
    const epoch = realtimeEvent(3, ['2', String(t0 + 9), 'A.1', 'support', 'SIP/101', 'CONNECT', '8', 'B.2', '3', '', ''], positions, 'Europe/Moscow')
    expect(epoch).toMatchObject({ kind: 'event', event: { at: (t0 + 9) * 1000, event: 'CONNECT', agent: 'SIP/101', data: '8|B.2|3' } })
    expect(realtimeEvent(4, ['3', '31.02.2025 10:00', 'A.1', 'support', 'NONE', 'ABANDON', '', '', '', '', ''], positions, 'Europe/Moscow')).toMatchObject({
      kind: 'rejected',
      line: 4,
      problems: [{ reason: expect.stringMatching(/^неверное время события «31\.02\.2025 10:00» в столбце time/) }],
    })
    expect(realtimeEvent(5, ['4', String(t0), 'NONE', 'support', 'NONE', 'QUEUESTART', '', '', '', '', ''], positions, 'UTC')).toEqual({
      kind: 'ignored',
      line: 5,
    })
  })
})

describe('assembling one consumer call from its events', () => {
  it('an answered call, ended by a blind transfer; missed rings are kept per operator and end nothing', () => {
    const call = assembleCall(
      'A.1',
      events([
        `${t0}|A.1|support|NONE|ENTERQUEUE||79161234567|1`,
        `${t0 + 10}|A.1|support|SIP/101|RINGNOANSWER|10000`,
        `${t0 + 12}|A.1|support|SIP/102|RINGCANCELED|1500`,
        `${t0 + 15}|A.1|support|SIP/101|RINGNOANSWER|3000`,
        `${t0 + 20}|A.1|support|SIP/103|CONNECT|20|B.1|2`,
        `${t0 + 200}|A.1|support|SIP/103|BLINDTRANSFER|501|from-internal|20|180|1`,
      ]),
      none,
    )
    expect(call.state).toBe('ended')
    expect(call.row).toMatchObject({
      call_id: 'A.1',
      line: 'support',
      started_at: at(0),
      answered_at: at(20),
      ended_at: at(200),
      agent: 'SIP/103',
      caller_phone: '79161234567',
      no_ending: false,
    })
    expect(call.legs).toEqual([
      {
        line: 'support',
        entered: t0,
        answered: t0 + 20,
        ended: t0 + 200,
        agent: 'SIP/103',
        outcome: 'answered',
        end: 'BLINDTRANSFER',
        missed: { 'SIP/101': 2, 'SIP/102': 1 },
      },
    ])
  })

  it('ATTENDEDTRANSFER ends an answered call like TRANSFER', () => {
    const call = assembleCall(
      'A.2',
      events([`${t0}|A.2|q|NONE|ENTERQUEUE||1|1`, `${t0 + 5}|A.2|q|SIP/1|CONNECT|5|x|1`, `${t0 + 65}|A.2|q|SIP/1|ATTENDEDTRANSFER|BRIDGE|B.9|5|60|1`]),
      none,
    )
    expect(call).toMatchObject({ state: 'ended', row: { ended_at: at(65), answered_at: at(5) }, legs: [{ outcome: 'answered', end: 'ATTENDEDTRANSFER' }] })
  })

  it('overflow: one call across two queues, waiting from the first ENTERQUEUE to the CONNECT; the same second is ordered', () => {
    const lines = [
      `${t0}|O.1|sales|NONE|ENTERQUEUE||79160000001|1`,
      `${t0 + 30}|O.1|sales|NONE|EXITWITHTIMEOUT|1|1|30`,
      `${t0 + 30}|O.1|overflow|NONE|ENTERQUEUE||79160000001|1`,
      `${t0 + 45}|O.1|overflow|Agent/7|CONNECT|15|O.2|3`,
      `${t0 + 300}|O.1|overflow|Agent/7|COMPLETECALLER|15|255|1`,
    ]
    // lines out of order (the PBX's buffers, rotation) give the same call
    const shuffled = [lines[4]!, lines[2]!, lines[0]!, lines[3]!, lines[1]!]
    for (const input of [lines, shuffled]) {
      const call = assembleCall('O.1', events(input), none)
      expect(call.state).toBe('ended')
      expect(call.row).toMatchObject({ line: 'overflow', started_at: at(0), answered_at: at(45), ended_at: at(300), agent: 'Agent/7' })
      expect(call.legs.map((l) => [l.line, l.outcome, l.end])).toEqual([
        ['sales', 'overflowed', 'EXITWITHTIMEOUT'],
        ['overflow', 'answered', 'COMPLETECALLER'],
      ])
    }
  })

  it('a call that overflowed and then was lost in the second queue is unanswered, lost there', () => {
    const call = assembleCall(
      'O.3',
      events([
        `${t0}|O.3|sales|NONE|ENTERQUEUE||1|1`,
        `${t0 + 5}|O.3|sales|NONE|EXITWITHKEY|1|1`,
        `${t0 + 6}|O.3|support|NONE|ENTERQUEUE||1|1`,
        `${t0 + 50}|O.3|support|NONE|ABANDON|1|1|44`,
      ]),
      none,
    )
    expect(call.row).toMatchObject({ answered_at: null, line: 'support', ended_at: at(50) })
    expect(call.legs.map((l) => l.outcome)).toEqual(['overflowed', 'lost'])
  })

  it('a call without an ending waits until its queue has an event 24 h later, then closes as «нет окончания в журнале»', () => {
    const input = events([`${t0}|N.1|support|NONE|ENTERQUEUE||79161112233|1`, `${t0 + 8}|N.1|support|SIP/5|CONNECT|8|x|1`])
    const lastAt = (t0 + 8) * 1000
    const waiting = assembleCall('N.1', input, new Map([['support', lastAt + NO_ENDING_AFTER_MS - 1000]]))
    expect(waiting).toMatchObject({ state: 'pending', row: null, pending: { line: 'support', started_at: at(0), answered_at: at(8), agent: 'SIP/5' } })
    // another queue's newer events do not close it
    expect(
      assembleCall(
        'N.1',
        input,
        new Map([
          ['support', lastAt],
          ['sales', lastAt + 2 * NO_ENDING_AFTER_MS],
        ]),
      ).state,
    ).toBe('pending')
    const closed = assembleCall('N.1', input, new Map([['support', lastAt + NO_ENDING_AFTER_MS]]))
    expect(closed.state).toBe('no_ending')
    expect(closed.row).toMatchObject({ no_ending: true, started_at: at(0), answered_at: at(8), ended_at: at(8) })
    expect(closed.legs).toMatchObject([{ outcome: 'no_ending', ended: null }])
  })

  it('events before their ENTERQUEUE has been seen wait for the earlier file', () => {
    const call = assembleCall('E.1', events([`${t0 + 5}|E.1|q|SIP/1|CONNECT|5|x|1`, `${t0 + 50}|E.1|q|SIP/1|COMPLETEAGENT|5|45|1`]), none)
    expect(call.state).toBe('pending')
  })

  it('contradictions are problems of the call, with the event named', () => {
    const noConnect = assembleCall('X.1', events([`${t0}|X.1|q|NONE|ENTERQUEUE||1|1`, `${t0 + 9}|X.1|q|SIP/1|COMPLETECALLER|5|4|1`]), none)
    expect(noConnect.state).toBe('rejected')
    expect(noConnect.problems.map((p) => p.reason)).toEqual(['событие COMPLETECALLER для звонка X.1 без события CONNECT (ответа) в очереди q'])
    const afterEnd = assembleCall(
      'X.2',
      events([`${t0}|X.2|q|NONE|ENTERQUEUE||1|1`, `${t0 + 9}|X.2|q|NONE|ABANDON|1|1|9`, `${t0 + 20}|X.2|q|SIP/1|CONNECT|5|4|1`]),
      none,
    )
    expect(afterEnd.problems.map((p) => p.reason)).toEqual(['событие CONNECT звонка X.2 после окончания звонка (нет нового ENTERQUEUE)'])
  })

  it('orders one second: the ending of the leg open before it first, otherwise ENTERQUEUE, rings, CONNECT, endings', () => {
    const same = events([`${t0}|S.1|q|NONE|ABANDON|1|1|0`, `${t0}|S.1|q|NONE|ENTERQUEUE||1|1`])
    expect(orderEvents(same).map((e) => e.event)).toEqual(['ENTERQUEUE', 'ABANDON'])
    const hop = events([`${t0 + 9}|S.2|b|NONE|ENTERQUEUE||1|1`, `${t0}|S.2|a|NONE|ENTERQUEUE||1|1`, `${t0 + 9}|S.2|a|NONE|EXITEMPTY|1|1|9`])
    expect(orderEvents(hop).map((e) => `${e.queue}:${e.event}`)).toEqual(['a:ENTERQUEUE', 'a:EXITEMPTY', 'b:ENTERQUEUE'])
  })
})
