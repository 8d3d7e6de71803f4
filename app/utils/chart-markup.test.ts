import { createElement } from 'react'
import { chartMarkupStats, drawChart } from './chart-markup.server.ts'

describe('chart markup drawn once per content', () => {
  it('draws a key once and answers the same text after; another key is drawn anew', () => {
    let drawn = 0
    const chart = (label: string) => () => {
      drawn++
      return createElement('svg', { id: 'c' }, createElement('text', null, label))
    }
    const before = chartMarkupStats()
    const first = drawChart('["c",1]', chart('один'))
    expect(first).toBe('<svg id="c"><text>один</text></svg>')
    expect(drawChart('["c",1]', chart('один'))).toBe(first)
    expect(drawn).toBe(1)
    // other data: another key, never the kept text
    expect(drawChart('["c",2]', chart('два'))).toBe('<svg id="c"><text>два</text></svg>')
    expect(drawn).toBe(2)
    expect(chartMarkupStats().hits - before.hits).toBe(1)
  })
})
