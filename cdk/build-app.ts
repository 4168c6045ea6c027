/**
 * Builds the CDK app: the stack configured from context, checked by cdk-nag on every synth.
 */
import { App, Validations } from 'aws-cdk-lib';
import type { AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { propsFromContext } from './context.js';
import { DEFAULT_STACK_NAME } from './defaults.js';
import { RideDurationStack } from './stack.js';
import type { RideDurationStackProps } from './stack.js';

export interface BuiltApp {
  readonly app: App;
  readonly stack: RideDurationStack;
}

/**
 * The app `cdk.json` runs (through cdk/app.ts), and the one the tests synthesize.
 *
 * Props given here win over context; context wins over the defaults.
 *
 * @example
 * ```ts
 * const { app } = buildApp({ context: { shardCount: '2' } });
 * app.synth();
 * ```
 */
export function buildApp(appProps: AppProps = {}, overrides: RideDurationStackProps = {}): BuiltApp {
  const app = new App(appProps);
  // AwsSolutions on every synth; an unacknowledged finding fails `cdk synth`.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const stackName = app.node.tryGetContext('stackName') as string | undefined;
  const stack = new RideDurationStack(app, stackName ?? DEFAULT_STACK_NAME, {
    ...propsFromContext(app.node),
    ...overrides,
  });
  return { app, stack };
}
