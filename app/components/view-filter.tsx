import { Form } from '@remix-run/react'
import { useState } from 'react'
import { appealForm, consumerType } from '#reports/vocabulary.ts'
import { VocabularyOptions } from './metric-text.tsx'

export interface ViewFilterProps {
  view: {
    kind: string
    year: number
    quarter: number
    month: number
    from: string
    to: string
    filter: { branch?: string; office?: string; form?: string; consumerType?: string }
  }
  options: { branches: { id: string; name: string }[]; offices: { code: string; name: string; branch?: string | null }[]; scoped?: boolean }
  /** hidden keys to keep (a register's figure and narrowing) */
  keep?: Record<string, string | undefined>
  /** the cockpit: what the period is compared with */
  compare?: 'prior' | 'year'
}

const MONTHS = ['январь', 'февраль', 'март', 'апрель', 'май', 'июнь', 'июль', 'август', 'сентябрь', 'октябрь', 'ноябрь', 'декабрь']

/** The filter bar every figure obeys: a GET form, so it works without JavaScript and the URL is the state. */
export function ViewFilter({ view, options, keep = {}, compare }: ViewFilterProps) {
  const f = view.filter
  // the office list follows the chosen branch (without JavaScript every office is listed, and a contradictory
  // pair is said on the page instead of figures)
  const [branch, setBranch] = useState(f.branch ?? '')
  const offices = options.offices.filter((o) => !branch || o.branch === undefined || o.branch === branch)
  const all = options.scoped ? 'все мои филиалы' : 'все'
  return (
    <Form method="get" className="card filters" data-testid="view-filter">
      {Object.entries(keep).map(([k, v]) => (v ? <input key={k} type="hidden" name={k} value={v} /> : null))}
      <label>
        Период
        <select name="period" defaultValue={view.kind}>
          <option value="year">год</option>
          <option value="quarter">квартал</option>
          <option value="month">месяц</option>
          <option value="custom">свои даты</option>
        </select>
      </label>
      <label className="pf pf-year pf-quarter pf-month">
        Год <input type="number" name="year" min={2000} max={2100} defaultValue={view.year} style={{ width: '5.5rem' }} />
      </label>
      <label className="pf pf-quarter">
        Квартал
        <select name="quarter" defaultValue={view.quarter}>
          {[1, 2, 3, 4].map((q) => (
            <option key={q} value={q}>
              {['I', 'II', 'III', 'IV'][q - 1]}
            </option>
          ))}
        </select>
      </label>
      <label className="pf pf-month">
        Месяц
        <select name="month" defaultValue={view.month}>
          {MONTHS.map((m, i) => (
            <option key={m} value={i + 1}>
              {m}
            </option>
          ))}
        </select>
      </label>
      <label className="pf pf-custom">
        С <input type="date" name="from" defaultValue={view.from} />
      </label>
      <label className="pf pf-custom">
        по <input type="date" name="to" defaultValue={view.to} />
      </label>
      <label>
        Филиал
        <select name="branch" defaultValue={f.branch ?? ''} onChange={(e) => setBranch(e.currentTarget.value)}>
          <option value="">{all}</option>
          {options.branches.map((b) => (
            <option key={b.id} value={b.id}>
              {b.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        Офис
        <select name="office" defaultValue={f.office ?? ''} key={branch}>
          <option value="">{branch ? 'все офисы филиала' : options.scoped ? 'все офисы моих филиалов' : 'все'}</option>
          {offices.map((o) => (
            <option key={o.code} value={o.code}>
              {o.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        Форма обслуживания
        <select name="form" defaultValue={f.form ?? ''}>
          <option value="">все</option>
          <VocabularyOptions vocabulary={appealForm} />
        </select>
      </label>
      <label>
        Тип потребителя
        <select name="consumerType" defaultValue={f.consumerType ?? ''}>
          <option value="">все</option>
          <VocabularyOptions vocabulary={consumerType} />
        </select>
      </label>
      {compare ? (
        <label>
          Сравнить
          <select name="compare" defaultValue={compare}>
            <option value="prior">с предыдущим периодом</option>
            <option value="year">с тем же периодом год назад</option>
          </select>
        </label>
      ) : null}
      <button type="submit">Показать</button>
    </Form>
  )
}
