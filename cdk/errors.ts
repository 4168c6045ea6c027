/** One `-c name=value` that cannot configure the stack, and why. */
export interface ContextProblem {
  readonly key: string;
  readonly value: unknown;
  readonly reason: string;
}

/** CDK context values (`-c name=value`) that cannot configure the stack: every one, in one line. */
export class ContextError extends Error {
  override readonly name = 'ContextError';

  constructor(readonly problems: readonly ContextProblem[]) {
    super(`Invalid CDK context ${problems.map(({ key, value, reason }) => `${key}=${JSON.stringify(value)}: ${reason}`).join('; ')}`);
  }
}
