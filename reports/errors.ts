/**
 * Input a person can fix (a bad setting, a refused operation): its Russian message is shown as is. `field`,
 * when known, names the form field it is about (the form shows the message beside it).
 */
export class InputError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message)
    this.name = 'InputError'
  }
}
