import type { Cell } from '#reports/sheet-writer/model.ts'

const decimal = new Intl.NumberFormat('ru-RU', { minimumFractionDigits: 1, maximumFractionDigits: 3 })
const count = new Intl.NumberFormat('ru-RU')

function text(cell: Cell): string {
  if (cell.v === null) return ''
  if (typeof cell.v === 'number')
    return cell.s?.startsWith('decimal') ? decimal.format(cell.v) : cell.s?.startsWith('count') ? count.format(cell.v) : String(cell.v)
  return cell.v
}

/** A table of the regulator's form as the file writes it: the same header merges, the same cells. */
export function SheetTable({ header, body, testId }: { header: Cell[][]; body: Cell[][]; testId?: string }) {
  return (
    <div className="table-scroll">
      <table className="sheet" data-testid={testId}>
        <thead>
          {header.map((row, r) => (
            <tr key={r}>
              {row.map((cell, c) => (
                <th key={c} colSpan={cell.colspan} rowSpan={cell.rowspan}>
                  {text(cell)}
                </th>
              ))}
            </tr>
          ))}
        </thead>
        <tbody>
          {body.map((row, r) => (
            <tr key={r}>
              {row.map((cell, c) => (
                <td
                  key={c}
                  colSpan={cell.colspan}
                  rowSpan={cell.rowspan}
                  className={typeof cell.v === 'number' || cell.s === 'center' ? 'num' : undefined}
                  style={cell.s?.endsWith('Bold') ? { fontWeight: 600 } : undefined}
                >
                  {text(cell)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
