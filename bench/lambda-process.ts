/**
 * Runs the deployable bundle in fresh Node processes (bench/lambda-child.mjs) against a local S3:
 * the cold start, and the peak memory of a big batch.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KinesisStreamEvent } from 'aws-lambda';
import { ENV } from '../lambda/config.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../local/constants.js';
import type { Launcher } from './launcher-client.js';

const CHILD = fileURLToPath(new URL('./lambda-child.mjs', import.meta.url));

/** What the child reports on fd 3. */
export interface ChildReport {
  /** Node's own start-up, before the bundle's import began (ms since the process's time origin). */
  readonly nodeStartMs: number;
  /** `import()` of the bundle; with `AWS_LAMBDA_FUNCTION_NAME` set this also starts the model load. */
  readonly importMs: number;
  /** First `handler()` call: waits for the model, then scores the event. */
  readonly firstInvokeMs: number;
  readonly predictions: number;
  readonly deadLetters: number;
  readonly failures: number;
  readonly firstPrediction: unknown;
  /** CPU time (user + system, all threads) from process start to the response. */
  readonly cpuMs: number;
  readonly maxRssKb: number;
  readonly vmHwmKb: number | null;
}

export interface ChildRun extends ChildReport {
  /** Launcher's clock: spawn → report received. */
  readonly wallMs: number;
  /** `ModelLoadMs` of the handler's own EMF metric (S3 fetch + unpickle + predictor). */
  readonly modelLoadMs: number | undefined;
}

export interface LambdaProcessOptions {
  readonly bundleFile: string;
  /** Where the model is: `s3://…` on the local S3. */
  readonly modelLocation: string;
  readonly s3Endpoint: string;
  /** Extra `NODE_OPTIONS` (the stack sets none). */
  readonly nodeOptions?: string;
  /** Write predictions to this stream (on kinesalite) instead of `TEST_RUN`'s returning them. */
  readonly output?: { readonly streamName: string; readonly kinesisEndpoint: string };
}

/** The function's environment, as the stack sets it, with `TEST_RUN` unless an output stream is given. */
function lambdaEnvironment(options: LambdaProcessOptions): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    // Makes the handler load the model at import (Lambda's init phase), as it does in AWS.
    AWS_LAMBDA_FUNCTION_NAME: 'ride-duration-bench',
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    ...(options.output === undefined
      ? { [ENV.testRun]: 'True' }
      : { [ENV.predictionsStreamName]: options.output.streamName, [ENV.kinesisEndpointUrl]: options.output.kinesisEndpoint }),
    [ENV.modelLocation]: options.modelLocation,
    [ENV.s3EndpointUrl]: options.s3Endpoint,
    [ENV.logLevel]: 'INFO',
    ...(options.nodeOptions === undefined ? {} : { NODE_OPTIONS: options.nodeOptions }),
  };
}

/** The first JSON line of the child's stdout that contains `marker`, parsed; undefined if none. */
function jsonLine(stdout: string, marker: string): Record<string, unknown> | undefined {
  for (const line of stdout.split('\n')) {
    if (!line.includes(marker)) continue;
    try {
      return JSON.parse(line) as Record<string, unknown>;
    } catch {
      // not a JSON line
    }
  }
  return undefined;
}

/** The handler's `ModelLoadMs` from the EMF line it printed. */
function modelLoadMsFromEmf(stdout: string): number | undefined {
  const value = jsonLine(stdout, '"ModelLoadMs"')?.ModelLoadMs;
  return typeof value === 'number' ? value : undefined;
}

/** Spawn → report of a child that loads nothing: Node's own start-up on this machine. */
export async function runBaselineProcess(launcher: Launcher): Promise<number> {
  return (await launcher.runOk([CHILD, '--baseline'], { PATH: process.env.PATH }, false, 'wallMs')).ms;
}

/** Writes `event` as the JSON file a child reads. */
export async function writeEventFile(directory: string, name: string, event: KinesisStreamEvent): Promise<string> {
  const file = join(directory, name);
  await writeFile(file, JSON.stringify(event));
  return file;
}

/**
 * Spawns one fresh `node` on the bundle (from `launcher`) and invokes its handler once with the
 * event in `eventFile`.
 *
 * @throws when the child fails or does not report.
 */
export async function runLambdaProcess(launcher: Launcher, options: LambdaProcessOptions, eventFile: string): Promise<ChildRun> {
  const result = await launcher.runOk([CHILD, options.bundleFile, eventFile], lambdaEnvironment(options), true, 'wallMs');
  const parsed = JSON.parse(result.report) as ChildReport;
  return {
    ...parsed,
    wallMs: result.ms,
    modelLoadMs: modelLoadMsFromEmf(result.stdout),
  };
}
