import { type OpenCall, assembleQueueLog } from './queue-log.ts'

async function run(text: string, open = new Map<string, OpenCall>()) {
  const stats = { lines: 0, ignoredLines: 0 }
  const lines = (async function* () {
    let n = 0
    for (const line of text.split('\n')) yield { line: ++n, text: line }
  })()
  const items = []
  for await (const item of assembleQueueLog(lines, open, stats)) items.push(item)
  return { items, open, stats }
}

const t0 = 1741932000 // 2025-03-14T06:00:00Z

describe('Asterisk queue_log → calls', () => {
  it('assembles answered and abandoned calls; queue-wide events are ignored', async () => {
    const { items, open, stats } = await run(
      [
        `${t0}|NONE|NONE|NONE|QUEUESTART|`,
        `${t0 + 1}|1741932001.10|support|NONE|ENTERQUEUE||79161234567|1`,
        `${t0 + 2}|1741932002.11|support|NONE|ENTERQUEUE||79160000000|2`,
        `${t0 + 16}|1741932001.10|support|SIP/101|CONNECT|15|1741932016.12|3`,
        `${t0 + 40}|1741932002.11|support|NONE|ABANDON|2|1|38`,
        `${t0 + 200}|1741932001.10|support|SIP/101|COMPLETECALLER|15|184|1`,
      ].join('\n'),
    )
    expect(items).toEqual([
      {
        kind: 'call',
        line: 3,
        row: expect.objectContaining({
          call_id: '1741932002.11', direction: 'in', line: 'support', answered_at: null,
          started_at: new Date((t0 + 2) * 1000), ended_at: new Date((t0 + 40) * 1000), caller_phone: '79160000000',
        }),
      },
      {
        kind: 'call',
        line: 2,
        row: expect.objectContaining({
          call_id: '1741932001.10', agent: 'SIP/101', answered_at: new Date((t0 + 16) * 1000), ended_at: new Date((t0 + 200) * 1000),
        }),
      },
    ])
    expect(open.size).toBe(0)
    expect(stats).toEqual({ lines: 6, ignoredLines: 1 })
  })

  it('keeps a call without an ending pending, and completes it from the next file', async () => {
    const first = await run([`${t0}|A.1|q|NONE|ENTERQUEUE||123|1`, `${t0 + 5}|A.1|q|Agent/7|CONNECT|5|x|2`].join('\n'))
    expect(first.items).toEqual([])
    expect([...first.open.keys()]).toEqual(['A.1'])
    const carried = new Map([...first.open].map(([k, v]) => [k, { ...v, fromLine: 0 }]))
    const second = await run(`${t0 + 300}|A.1|q|Agent/7|COMPLETEAGENT|5|295|1`, carried)
    expect(second.items).toHaveLength(1)
    expect(second.items[0]).toMatchObject({ kind: 'call', line: 1, row: { call_id: 'A.1', agent: 'Agent/7', ended_at: new Date((t0 + 300) * 1000) } })
    expect(second.open.size).toBe(0)
  })

  it('rejects broken lines and events of unknown calls with the line number', async () => {
    const { items } = await run([`abc|X|q|NONE|ENTERQUEUE`, `${t0}|Y|q|SIP/1|CONNECT|1|z|1`, `${t0}|only|three`].join('\n'))
    expect(items.map((i) => [i.line, i.kind === 'rejected' ? i.problems[0]!.reason : ''])).toEqual([
      [1, expect.stringMatching(/^неверное время события «abc»: ожидается число секунд/)],
      [2, 'событие CONNECT для звонка Y, у которого нет события ENTERQUEUE ни в этом, ни в прежних файлах'],
      [3, expect.stringMatching(/^строка queue_log должна содержать не менее 5 полей/)],
    ])
  })
})
