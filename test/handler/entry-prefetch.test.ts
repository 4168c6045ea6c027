/**
 * The deployed entry (lambda/entry.ts) as Lambda runs it (`AWS_LAMBDA_FUNCTION_NAME` set, role
 * credentials in the environment): the model download starts at import, before the handler's own
 * code loads, through the signed reader against a real s3rver. A failed prefetch is not kept: the
 * first invocation fails the batch, the next one fetches again. Own process: fresh module state.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { kinesisEvent, kinesisRecord, lambdaContext, ride } from '../support/events.js';
import { COURSE_ANCHOR, COURSE_MODEL_PATH } from '../support/model.js';
import {
  createBucket,
  createStream,
  putObject,
  readStream,
  startKinesalite,
  startS3rver,
  stubLambdaRole,
  type RunningKinesalite,
  type RunningS3rver,
} from '../support/services.js';

let s3: RunningS3rver;
let kinesis: RunningKinesalite;

beforeAll(async () => {
  [s3, kinesis] = await Promise.all([startS3rver(), startKinesalite()]);
  await createBucket(s3.client, 'models');
  await createStream(kinesis.client, 'entry_predictions');
});

// Each test sets its own environment: the pins of one must not carry over into the next.
afterEach(() => {
  vi.unstubAllEnvs();
});

afterAll(async () => {
  await s3?.dispose();
  await kinesis?.stop();
});

function lambdaEnvironment(modelKey: string): void {
  stubLambdaRole(s3.endpoint);
  vi.stubEnv('MODEL_LOCATION', `s3://models/${modelKey}`);
  vi.stubEnv('TEST_RUN', 'True');
  vi.stubEnv('RUN_ID', 'prefetch');
  vi.stubEnv('LOG_LEVEL', 'SILENT');
}

describe('the deployed entry', () => {
  it('prefetches the model from S3 at import and answers the first invocation with it', async () => {
    await putObject(s3.client, 'models', 'lin_reg.bin', await readFile(COURSE_MODEL_PATH));
    lambdaEnvironment('lin_reg.bin');
    vi.resetModules();
    const { SignedS3Client } = await import('../../lambda/signed-s3-client.js');
    const get = vi.spyOn(SignedS3Client.prototype, 'getObject');
    const { handler } = await import('../../lambda/entry.js');
    // The requests left during the import, before any invocation: the model and its compiled sidecar.
    expect(get.mock.calls).toEqual([
      ['models', 'lin_reg.bin'],
      ['models', 'lin_reg.bin.compiled.json'],
    ]);
    const response = await handler(kinesisEvent([kinesisRecord({ json: ride(256) }, 0)]), lambdaContext());
    expect(response.batchItemFailures).toEqual([]);
    expect(response.predictions).toEqual([
      { model: 'ride_duration_prediction_model', version: 'prefetch', prediction: { ride_duration: COURSE_ANCHOR.ride_duration, ride_id: 256 } },
    ]);
    expect(get).toHaveBeenCalledTimes(2); // nothing fetched again by the invocation
  });

  it('loads the compiled sidecar uploaded beside the pickle, pinned with the pickle by MODEL_SHA256 + MODEL_COMPILED_SHA256', async () => {
    const { compileModel, formatCompiledModel } = await import('../../lambda/model/index.js');
    const { sha256Hex } = await import('../../lambda/model/digest.js');
    const pickle = await readFile(COURSE_MODEL_PATH);
    const sidecar = formatCompiledModel(compileModel(pickle));
    await putObject(s3.client, 'models', 'pinned/lin_reg.bin', pickle);
    await putObject(s3.client, 'models', 'pinned/lin_reg.bin.compiled.json', sidecar);
    lambdaEnvironment('pinned/lin_reg.bin');
    vi.stubEnv('MODEL_SHA256', sha256Hex(pickle));
    vi.stubEnv('MODEL_COMPILED_SHA256', sha256Hex(new TextEncoder().encode(sidecar)));
    vi.stubEnv('LOG_LEVEL', 'INFO');
    const lines: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      vi.resetModules();
      const { handler } = await import('../../lambda/entry.js');
      const response = await handler(kinesisEvent([kinesisRecord({ json: ride(256) }, 0)]), lambdaContext());
      expect(response.predictions?.[0]?.prediction.ride_duration).toBe(COURSE_ANCHOR.ride_duration);
    } finally {
      write.mockRestore();
    }
    const loaded = lines.map((line) => JSON.parse(line) as { message: string; model?: { compiled?: unknown } }).find((entry) => entry.message === 'Model loaded');
    expect(loaded?.model?.compiled).toEqual({ uri: 's3://models/pinned/lin_reg.bin.compiled.json', used: true });
  });

  it('a failed prefetch fails the first batch whole (nothing acknowledged); the next invocation fetches again', async () => {
    lambdaEnvironment('late/lin_reg.bin');
    vi.resetModules();
    const { handler } = await import('../../lambda/entry.js');
    const event = kinesisEvent([kinesisRecord({ json: ride(1) }, 0)]);
    await expect(handler(event, lambdaContext())).rejects.toThrow(/model could not be loaded: .*model not found: s3:\/\/models\/late\/lin_reg\.bin does not exist/);
    await putObject(s3.client, 'models', 'late/lin_reg.bin', await readFile(COURSE_MODEL_PATH));
    const response = await handler(event, lambdaContext());
    expect(response.predictions?.[0]?.prediction.ride_duration).toBe(COURSE_ANCHOR.ride_duration);
  });

  it('writes the predictions with its own signed PutRecords (role credentials in the environment) to the output stream', async () => {
    await putObject(s3.client, 'models', 'lin_reg.bin', await readFile(COURSE_MODEL_PATH));
    lambdaEnvironment('lin_reg.bin');
    vi.stubEnv('TEST_RUN', '');
    vi.stubEnv('PREDICTIONS_STREAM_NAME', 'entry_predictions');
    vi.stubEnv('KINESIS_ENDPOINT_URL', kinesis.endpoint);
    vi.resetModules();
    const { SignedKinesisWriter } = await import('../../lambda/signed-kinesis-writer.js');
    const put = vi.spyOn(SignedKinesisWriter.prototype, 'putRecords');
    const { handler } = await import('../../lambda/entry.js');
    const response = await handler(kinesisEvent([kinesisRecord({ json: ride(256) }, 0), kinesisRecord({ json: ride(257, 10, 50, 40) }, 1)]), lambdaContext());
    expect(response).toStrictEqual({ batchItemFailures: [] });
    expect(put).toHaveBeenCalledTimes(1);
    const written = await readStream(kinesis.client, 'entry_predictions');
    expect(written.map((record) => [record.partitionKey, JSON.parse(record.data)])).toEqual([
      ['256', { model: 'ride_duration_prediction_model', version: 'prefetch', prediction: { ride_duration: COURSE_ANCHOR.ride_duration, ride_id: 256 } }],
      ['257', { model: 'ride_duration_prediction_model', version: 'prefetch', prediction: { ride_duration: 26.43883355119793, ride_id: 257 } }],
    ]);
  });
});
