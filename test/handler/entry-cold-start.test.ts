/**
 * The deployed entry's init (lambda/entry.ts) as Lambda runs it: importing it starts the model load
 * through the SDK (Lambda's init phase), and Powertools' `cold_start` is `true` on the first
 * invocation's log lines and metrics of the execution environment, `false` after. Own process:
 * fresh module state.
 */
import { readFile } from 'node:fs/promises';
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { kinesisEvent, kinesisRecord, lambdaContext, ride } from '../support/events.js';
import { COURSE_MODEL_PATH } from '../support/model.js';
import { createBucket, putObject, startS3rver, stubLambdaRole, type RunningS3rver } from '../support/services.js';

let s3: RunningS3rver;

beforeAll(async () => {
  s3 = await startS3rver();
  await createBucket(s3.client, 'models');
  await putObject(s3.client, 'models', 'lin_reg.bin', await readFile(COURSE_MODEL_PATH));
});

afterAll(async () => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  await s3?.dispose();
});

/** The JSON lines written to stdout while `work` runs (Powertools' logs and EMF metrics). */
async function stdoutLines(work: () => Promise<unknown>): Promise<Array<Record<string, unknown>>> {
  const lines: string[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split('\n').filter((line) => line.startsWith('{')));
    return true;
  });
  try {
    await work();
  } finally {
    write.mockRestore();
  }
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('the deployed entry in a new execution environment', () => {
  it('loads the model at import (init), and marks the first invocation, and only it, cold_start', async () => {
    stubLambdaRole(s3.endpoint);
    vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    vi.stubEnv('TEST_RUN', 'True');
    vi.stubEnv('MODEL_LOCATION', 's3://models/lin_reg.bin');
    vi.stubEnv('LOG_LEVEL', 'INFO');
    const send = vi.spyOn(S3Client.prototype, 'send');

    let entry: typeof import('../../lambda/entry.js') | undefined;
    await stdoutLines(async () => {
      entry = await import('../../lambda/entry.js');
      // The model's GET and its recipe's (none here: a 404), before any invocation.
      await vi.waitFor(() => expect(send).toHaveBeenCalledTimes(2), { timeout: 5_000 });
    });
    const { handler } = entry!;
    const event = kinesisEvent([kinesisRecord({ json: ride(256) }, 0)]);
    const first = await stdoutLines(() => handler(event, lambdaContext()));
    const second = await stdoutLines(() => handler(event, lambdaContext()));

    expect(send).toHaveBeenCalledTimes(2); // one load for the environment's life
    const logs = (lines: Array<Record<string, unknown>>) => lines.filter((line) => typeof line.message === 'string');
    const metrics = (lines: Array<Record<string, unknown>>) => lines.filter((line) => '_aws' in line);
    expect(logs(first).length).toBeGreaterThan(0);
    for (const line of logs(first)) expect(line.cold_start, String(line.message)).toBe(true);
    expect(metrics(first).find((line) => 'ColdStart' in line)).toMatchObject({ ColdStart: 1, function_name: 'ride-duration-prediction' });
    expect(metrics(first).find((line) => 'RecordsIn' in line)).toMatchObject({ RecordsIn: 1 });
    for (const line of logs(second)) expect(line.cold_start, String(line.message)).toBe(false);
    expect(metrics(second).some((line) => 'ColdStart' in line)).toBe(false);
  });
});
