/**
 * The deployed entry (`index.handler`). Inside Lambda, importing it is the init phase: the
 * configuration is read, the SDK clients are made and the model load starts here, a promise kept at
 * module scope (`environmentHandler`), so that the first invocation finds the model loaded or
 * nearly so. A failed load is not kept: the first invocation loads again. A configuration error
 * is thrown again, with its message, by every invocation.
 */
import { inLambda } from './config.js';
import { environmentHandler } from './environment.js';

export { handler } from './environment.js';

if (inLambda()) {
  try {
    void environmentHandler().warmUp();
  } catch {
    // A configuration error: every invocation throws it again.
  }
}
