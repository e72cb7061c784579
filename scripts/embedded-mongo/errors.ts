import type { Document } from 'bson'

/** MongoDB server error codes the engine answers with (names as the server spells them). */
export const Code = {
  InternalError: 1,
  BadValue: 2,
  FailedToParse: 9,
  TypeMismatch: 14,
  InvalidLength: 16,
  IllegalOperation: 20,
  NamespaceNotFound: 26,
  IndexNotFound: 27,
  PathNotViable: 28,
  ConflictingUpdateOperators: 40,
  CursorNotFound: 43,
  NamespaceExists: 48,
  DollarPrefixedFieldName: 52,
  InvalidIdField: 53,
  NotSingleValueField: 54,
  ImmutableField: 66,
  CannotCreateIndex: 67,
  InvalidOptions: 72,
  InvalidNamespace: 73,
  IndexOptionsConflict: 85,
  IndexKeySpecsConflict: 86,
  CommandNotSupported: 115,
  InvalidPipelineOperator: 168,
  CannotIndexParallelArrays: 171,
  InvalidIndexSpecificationOption: 197,
  UnsupportedOpQueryCommand: 352,
  Location40324: 40324,
  DuplicateKey: 11000,
} as const

const NAMES = new Map<number, string>(
  Object.entries(Code)
    .filter(([name]) => !name.startsWith('Location'))
    .map(([name, code]) => [code, name]),
)

export class MongoError extends Error {
  readonly code: number
  readonly codeName: string
  /** extra fields of the error reply (keyPattern/keyValue of a duplicate key, ...) */
  readonly extra: Document

  constructor(code: number, message: string, extra: Document = {}) {
    super(message)
    this.code = code
    this.codeName = NAMES.get(code) ?? ''
    this.extra = extra
  }

  toReply(): Document {
    const reply: Document = { ok: 0, errmsg: this.message, code: this.code }
    if (this.codeName) reply.codeName = this.codeName
    return { ...reply, ...this.extra }
  }

  /** the shape of an entry of `writeErrors` */
  toWriteError(index: number): Document {
    return { index, code: this.code, ...this.extra, errmsg: this.message }
  }
}

export function fail(code: number, message: string, extra?: Document): never {
  throw new MongoError(code, message, extra)
}

/** Something MongoDB does that this engine does not: say so instead of answering wrongly. */
export function unsupported(what: string, code: number = Code.CommandNotSupported): never {
  throw new MongoError(
    code,
    `${what} is not supported by the embedded engine; set MONGODB_URI to use a real MongoDB`,
  )
}

/** Any thrown value as a MongoError (a bug in the engine becomes an InternalError reply). */
export function asMongoError(e: unknown): MongoError {
  if (e instanceof MongoError) return e
  const message = e instanceof Error ? e.message : String(e)
  return new MongoError(Code.InternalError, `embedded engine internal error: ${message}`)
}
