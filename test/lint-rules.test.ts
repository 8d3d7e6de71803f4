/** The house rules lint enforces (eslint.config.js): each refuses what it should and lets the rest through. */
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

const eslint = new ESLint({ cwd: process.cwd(), cache: false })

async function errors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath })
  return result!.messages.filter((m) => m.severity === 2).map((m) => `${m.ruleId}: ${m.message}`)
}

// the first lint loads the config and the TypeScript parser: seconds on a busy machine
describe('lint: the layers', { timeout: 60_000 }, () => {
  it('reports/ never imports app/, by alias or by path', async () => {
    expect(await errors('reports/metrics/x.ts', "import { a } from '#app/utils/access.ts'\nexport const b = a\n")).toEqual([
      expect.stringMatching(/^no-restricted-imports: .*never import app/),
    ])
    expect(await errors('reports/metrics/x.ts', "import { a } from '../../app/utils/access.ts'\nexport const b = a\n")).toHaveLength(1)
    expect(await errors('reports/metrics/x.ts', "import { a } from '#reports/format.ts'\nexport const b = a\n")).toEqual([])
  })

  it('db/ imports neither app/ nor reports/', async () => {
    expect(await errors('db/x.ts', "import { a } from '#reports/format.ts'\nexport const b = a\n")).toEqual([expect.stringMatching(/db\/ is below reports/)])
    expect(await errors('db/x.ts', "import { a } from '#reports/errors.ts'\nexport const b = a\n")).toHaveLength(1)
  })

  it('a component never imports a .server module', async () => {
    expect(await errors('app/components/x.tsx', "import { a } from '#app/utils/view.server.ts'\nexport const b = a\n")).toEqual([
      expect.stringMatching(/never imports a \.server module/),
    ])
    expect(await errors('app/components/x.tsx', "import { a } from '#reports/format.ts'\nexport const b = a\n")).toEqual([])
  })

  it('tests may cross the layers', async () => {
    expect(await errors('reports/metrics/x.integration.test.ts', "import { a } from '#app/imports/pipeline.server.ts'\nexport const b = a\n")).toEqual([])
  })

  it('a type used only as a type is imported as one', async () => {
    expect(await errors('app/x.ts', "import { Db } from '#db/client.server.ts'\nexport let d: Db | undefined\n")).toEqual([
      expect.stringMatching(/^@typescript-eslint\/consistent-type-imports/),
    ])
  })
})
