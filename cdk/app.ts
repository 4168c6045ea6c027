/** CDK entry point (`cdk.json`: `npx tsx cdk/app.ts`). */
import { buildApp } from './build-app.js';
import { ContextError } from './errors.js';

try {
  buildApp().app.synth();
} catch (error) {
  // A bad `-c name=value` is the user's mistake, told in one line; anything else keeps its stack.
  if (!(error instanceof ContextError)) throw error;
  process.stderr.write(`cdk: ${error.message}\n`);
  process.exitCode = 1;
}
