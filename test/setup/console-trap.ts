/**
 * A test fails when it writes to console.error unexpectedly (as Epic Stack's setup-test-env.ts): an error
 * logged and swallowed is a bug the assertions would not see. A test that expects one says so first:
 *
 *   import { consoleError } from '#test/setup/console-trap.ts'
 *   consoleError.mockImplementation(() => {})   // and may assert on consoleError.mock.calls
 */
import { format } from 'node:util'
import { afterEach, beforeEach, type MockInstance, vi } from 'vitest'

export let consoleError: MockInstance<typeof console.error>
let unexpected: string[] = []

beforeEach(() => {
  unexpected = []
  const original = console.error
  consoleError = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    unexpected.push(format(...args))
    original(...args)
  })
})

afterEach(() => {
  consoleError.mockRestore()
  if (unexpected.length) {
    const lines = unexpected.map((l) => `  ${l.split('\n')[0]}`).join('\n')
    unexpected = []
    throw new Error(`console.error during the test (silence it with consoleError.mockImplementation if it is expected):\n${lines}`)
  }
})
