/** A CDK context value (`-c name=value`) that cannot configure the stack. */
export class ContextError extends Error {
  override readonly name = 'ContextError';

  constructor(
    readonly key: string,
    readonly value: unknown,
    readonly reason: string,
  ) {
    super(`Invalid CDK context ${key}=${JSON.stringify(value)}: ${reason}`);
  }
}
