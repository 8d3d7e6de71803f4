/** Input a person can fix (a bad setting, a refused operation): its Russian message is shown as is. */
export class InputError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'InputError'
  }
}
