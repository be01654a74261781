// Every error the library throws on bad input names the function, the argument and what was
// expected. OverparamError carries a stable `code` for programs; TypeError/RangeError subclasses
// keep `instanceof TypeError` / `instanceof RangeError` working for callers who test for those.

/** Stable machine-readable error codes (listed in README, "Errors and limits"). */
export type ErrorCode =
  | 'NOT_INITIALISED'
  | 'BAD_SHAPE'
  | 'BAD_VALUE'
  | 'NOT_FINITE'
  | 'NOT_SYMMETRIC'
  | 'DISPOSED'
  | 'OUT_OF_MEMORY';

/** Base class of the library's own errors. */
export class OverparamError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'OverparamError';
    this.code = code;
  }
}

/** A wrong type or shape (dimensions, lengths). */
export class OverparamTypeError extends TypeError {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'OverparamTypeError';
    this.code = code;
  }
}

/** A value out of its allowed range (sizes, step size, non-finite numbers, asymmetry). */
export class OverparamRangeError extends RangeError {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'OverparamRangeError';
    this.code = code;
  }
}
