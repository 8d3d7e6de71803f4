import fs from 'node:fs'
import path from 'node:path'

/**
 * In the browser a `.server` module is an empty stub, so a value imported from one and used while
 * rendering is `undefined` there — the page then differs from the server's and hydration fails. The
 * component of a route is what follows `export default function`; it may not use such a value.
 */
describe('route components use no values from .server modules', () => {
  const dir = path.resolve(import.meta.dirname, 'routes')
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.tsx'))
  it.each(files)('%s', (file) => {
    const source = fs.readFileSync(path.join(dir, file), 'utf8')
    const names = [...source.matchAll(/import\s*\{([^}]*)\}\s*from\s*'[^']*\.server(\.ts)?'/g)].flatMap((m) =>
      m[1]!
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part && !part.startsWith('type '))
        .map((part) => part.split(/\s+as\s+/).pop()!),
    )
    const start = source.indexOf('export default function')
    const component = start === -1 ? '' : source.slice(start)
    expect(names.filter((name) => new RegExp(`\\b${name}\\b`).test(component))).toEqual([])
  })
})
