import { describe, expect, it } from 'vitest'
import { type MetricId, WAIT_UNKNOWN, countOf, figure, figureIn, isMetricOf, metricCatalog, opensRegister } from './catalog.ts'
import { DOMAIN_METRICS } from './dashboard.server.ts'

const ids = Object.keys(metricCatalog) as MetricId[]

describe('the metric catalog', () => {
  it('gives every figure a label, a definition, an input, a formula and its records', () => {
    for (const id of ids) {
      const m = metricCatalog[id]
      expect(m.label.length, id).toBeGreaterThan(2)
      expect(m.definition.length, id).toBeGreaterThan(20)
      expect(typeof m.formula, id).toBe('function')
      expect(m.records, id).toBeTruthy()
    }
  })

  it('opens a share or a mean on the records of a count figure of the same input and register', () => {
    for (const id of ids) {
      const m = metricCatalog[id]
      if (m.records.register === null) continue
      const total = 'total' in m.records ? m.records.total : undefined
      if (m.unit === 'count') expect(total, `${id}: a count figure is the number of its own records`).toBeUndefined()
      else expect(total, `${id}: a share or a mean names the count figure of its records`).toBeDefined()
      if (total === undefined || total === 'counted') continue
      expect(Object.hasOwn(metricCatalog, total), `${id} → ${total}`).toBe(true)
      const count = metricCatalog[total as MetricId]
      expect([count.unit, count.input, count.records.register], `${id} → ${total}`).toEqual(['count', m.input, m.records.register])
    }
  })

  it('lists every figure of a kind of sums on the dashboard', () => {
    for (const [kind, list] of Object.entries(DOMAIN_METRICS)) {
      expect(new Set(list)).toEqual(new Set(ids.filter((id) => metricCatalog[id].input === kind)))
    }
  })

  it('says in each waiting figure of calls that calls without a known wait are left out (ADR 027)', () => {
    const waiting = ['calls.answered_in_sl', 'calls.service_level', 'calls.mean_wait', 'calls.line_mean_wait'] as const
    for (const id of waiting) expect(metricCatalog[id].definition, id).toContain(WAIT_UNKNOWN)
    const s = {
      offered: 6,
      shortAbandoned: 0,
      answeredIn: 3,
      answeredInSl: 2,
      waitSum: 17,
      waitAnswered: 2,
      waitJudged: 3,
      legWaitSum: 17,
      legsWaitAnswered: 2,
    }
    expect(figure('calls.service_level', s as never)).toBe(2 / 3)
    expect(figure('calls.mean_wait', s as never)).toBe(8.5)
    expect(figure('calls.line_mean_wait', s as never)).toBe(8.5)
    expect(figure('calls.mean_handling', { ...s, handleSum: 900 } as never)).toBe(300)
  })

  it('computes a figure only from its own kind of input', () => {
    const due = { due: 5, onTime: 2, late: 1, overdue: 1, open: 1 }
    expect(figure('appeals.on_time_share', due)).toBe(0.5)
    expect(figure('appeals.on_time_share', { ...due, onTime: 0, late: 0, overdue: 0 })).toBeNull()
    expect(figureIn('due', 'appeals.late', due)).toBe(1)
    expect(() => figureIn('due', 'calls.offered', due)).toThrow(/не показатель/)
    expect(isMetricOf('calls.offered', 'calls')).toBe(true)
    expect(isMetricOf('нет такого', 'calls')).toBe(false)
    expect(figure('norms.within_share', { records: 10, within: 6, beyond: 2, missing: 2, missingViolations: 2, mean: 30 })).toBe(0.6)
    expect(
      figure('surveys.conducted', [
        { key: { survey: 'a' }, sums: { responses: 1 } },
        { key: { survey: 'a' }, sums: { responses: 2 } },
        { key: { survey: 'b' }, sums: { responses: 0 } },
      ] as never),
    ).toBe(1)
  })

  it('names the records a register lists for a figure', () => {
    expect(opensRegister('calls.service_level', 'calls')).toBe(true)
    expect(opensRegister('calls.service_level', 'appeals')).toBe(false)
    expect(opensRegister('surveys.csat', 'appeals')).toBe(false)
    expect(opensRegister('toString', 'appeals')).toBe(false)
    expect(countOf('calls.service_level')).toBe('calls.answered_in_sl')
    expect(countOf('calls.offered')).toBe('calls.offered')
    expect(countOf('visits.mean_service')).toBe('counted')
  })
})
