/** The catalog's words on screen: a column header with the definition as its hint, and a list of definitions. */
import { type MetricId, metricCatalog } from '#reports/metrics/catalog.ts'
import type { Vocabulary } from '#reports/vocabulary.ts'

export function MetricTh({ id }: { id: MetricId }) {
  return (
    <th className="num" title={metricCatalog[id].definition}>
      {metricCatalog[id].label}
    </th>
  )
}

export function Definitions({ ids }: { ids: readonly MetricId[] }) {
  return (
    <dl className="facts">
      {ids.map((id) => (
        <div key={id} style={{ display: 'contents' }}>
          <dt>{metricCatalog[id].label}</dt>
          <dd>{metricCatalog[id].definition}</dd>
        </div>
      ))}
    </dl>
  )
}

/** The options of a select: every code of a vocabulary with its Russian label. */
export function VocabularyOptions({ vocabulary }: { vocabulary: Vocabulary }) {
  return (
    <>
      {Object.entries(vocabulary).map(([code, term]) => (
        <option key={code} value={code}>
          {term.label}
        </option>
      ))}
    </>
  )
}
