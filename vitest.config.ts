import fs from 'node:fs'
import path from 'node:path'
import { defineConfig } from 'vitest/config'

/**
 * Four projects: unit (no database), embedded and postgres (the same integration files twice: on the
 * product's embedded PostgreSQL 17, and on the server of TEST_DATABASE_URL — CI: Debian's PostgreSQL 15)
 * and e2e (the built app in Debian's Chromium). Where TEST_DATABASE_URL or Chromium is missing those
 * projects are left out — except under CI (CI=true or REQUIRE_E2E=1), where a missing one fails the run. The same for
 * LibreOffice, which the report tests use to open the files they write, and poppler (pdfinfo, pdftotext),
 * which reads the PDFs back.
 */
const integration = ['{app,db,reports,test}/**/*.integration.test.ts']
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const strict = process.env.CI === 'true' || process.env.REQUIRE_E2E === '1'
const hasPostgres = Boolean(process.env.TEST_DATABASE_URL)
const hasChromium = fs.existsSync(chromium)
// LibreOffice opens the regulator's files in the integration tests (convert to CSV, compare the figures)
const soffice = process.env.SOFFICE_PATH ?? '/usr/bin/soffice'
const hasSoffice = fs.existsSync(soffice)
if (strict && !hasSoffice) throw new Error(`CI: LibreOffice не найден (${soffice}) — проверка файлов в LibreOffice обязательна.`)
if (!hasSoffice) console.warn(`LibreOffice не найден (${soffice}): проверка файлов в LibreOffice пропущена.`)
// poppler's pdfinfo, pdftotext and pdffonts read the PDFs back (pages, sizes, text): Debian's poppler-utils
const popplerDir = process.env.POPPLER_DIR ?? '/usr/bin'
const hasPoppler = ['pdfinfo', 'pdftotext', 'pdffonts'].every((tool) => fs.existsSync(`${popplerDir}/${tool}`))
if (strict && !hasPoppler) throw new Error(`CI: pdfinfo, pdftotext и pdffonts не найдены (${popplerDir}, пакет poppler-utils) — проверка PDF обязательна.`)
if (!hasPoppler) console.warn(`pdfinfo, pdftotext и pdffonts не найдены (${popplerDir}, пакет poppler-utils): проверка текста PDF пропущена.`)
if (strict && !hasPostgres) throw new Error('CI: TEST_DATABASE_URL не задан — тесты на PostgreSQL обязательны.')
if (strict && !hasChromium) throw new Error(`CI: Chromium не найден (${chromium}) — браузерные тесты обязательны.`)
if (!hasPostgres) console.warn('TEST_DATABASE_URL не задан: тесты на внешнем PostgreSQL пропущены, только на встроенном (см. README).')
if (!hasChromium) console.warn(`Chromium не найден (${chromium}): браузерные тесты пропущены.`)

const withDb = { globalSetup: ['test/setup/global-db.ts'], testTimeout: 60_000, hookTimeout: 120_000 }
// the tests call the poppler tools by name: POPPLER_DIR goes first on their PATH
const popplerEnv = hasPoppler ? { SQ_POPPLER: popplerDir, PATH: `${popplerDir}${path.delimiter}${process.env.PATH ?? ''}` } : {}
const officeEnv = { ...(hasSoffice ? { SQ_SOFFICE: soffice } : {}), ...popplerEnv }

export default defineConfig({
  test: {
    globals: true,
    // an unexpected console.error fails the test (test/setup/console-trap.ts)
    setupFiles: ['test/setup/console-trap.ts'],
    projects: [
      { extends: true, test: { name: 'unit', include: ['{app,db,reports,test}/**/*.test.ts'], exclude: [...integration, 'node_modules/**'] } },
      { extends: true, test: { name: 'embedded', include: integration, env: { TEST_DB: 'embedded', ...officeEnv }, ...withDb } },
      ...(hasPostgres
        ? [{ extends: true as const, test: { name: 'postgres', include: integration, env: { TEST_DB: 'postgres', ...officeEnv }, ...withDb } }]
        : []),
      ...(hasChromium
        ? [
            {
              extends: true as const,
              test: {
                name: 'e2e',
                include: ['test/e2e/**/*.spec.ts'],
                globalSetup: ['test/e2e/server.ts'],
                testTimeout: 120_000,
                hookTimeout: 180_000,
              },
            },
          ]
        : []),
    ],
  },
})
