import { UsageError } from '../engine/errors.js';
import { InputError } from '../sources/errors.js';

/** An error that means "could not check" (exit 2, one clear message), not a defect of kcheck's. */
export function couldNotCheck(error: unknown): error is Error {
  return error instanceof UsageError || error instanceof InputError;
}
