// Every error the library throws names the function, the argument and what was expected.
// OverparamError carries a stable `code` for programs; the TypeError/RangeError subclasses keep
// `instanceof TypeError` / `instanceof RangeError` working for callers who test for those, and
// `instanceof OverparamError` is true for all three (one catch for everything the library throws).

/** Stable machine-readable error codes (listed in README, "Errors and limits"). */
export type ErrorCode =
  | 'NOT_INITIALISED'
  | 'BAD_SHAPE'
  | 'BAD_VALUE'
  | 'NOT_FINITE'
  | 'NOT_SYMMETRIC'
  | 'NOT_CONVERGED'
  | 'DISPOSED'
  | 'BUSY'
  | 'OUT_OF_MEMORY'
  | 'WASM_UNAVAILABLE'
  | 'THREAD_FAILED';

/** Marks the library's own errors, whichever built-in error class they extend. */
const BRAND = Symbol.for('overparam.error');

/** Whether `value` is an error thrown by this library (any of the three classes). */
function isBranded(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

/**
 * Base class of the library's own errors. `instanceof OverparamError` also holds for
 * {@link OverparamTypeError} and {@link OverparamRangeError}, which extend TypeError and RangeError.
 */
export class OverparamError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OverparamError';
    this.code = code;
    brand(this);
  }

  /** True for every error the library throws, so one `instanceof OverparamError` catches all. */
  static [Symbol.hasInstance](value: unknown): boolean {
    return this === OverparamError ? isBranded(value) : Function.prototype[Symbol.hasInstance].call(this, value);
  }
}

/** A wrong type or shape (dimensions, lengths). */
export class OverparamTypeError extends TypeError {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OverparamTypeError';
    this.code = code;
    brand(this);
  }
}

/** A value out of its allowed range (sizes, step size, non-finite numbers, asymmetry). */
export class OverparamRangeError extends RangeError {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OverparamRangeError';
    this.code = code;
    brand(this);
  }
}

function brand(error: Error): void {
  Object.defineProperty(error, BRAND, { value: true, enumerable: false });
}
