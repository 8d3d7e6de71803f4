import { consoleError } from '#test/setup/console-trap.ts'

describe('the console-error trap', () => {
  it('lets a test that expects an error silence it and assert on it', () => {
    consoleError.mockImplementation(() => {})
    console.error('ожидаемая ошибка', 42)
    expect(consoleError).toHaveBeenCalledWith('ожидаемая ошибка', 42)
  })
})
