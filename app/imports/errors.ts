/** A file-level problem: the whole file is refused with this Russian message and nothing is stored. */
export class ImportFileError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message)
    this.name = 'ImportFileError'
  }
}
