/**
 * The real handler against real local services: kinesalite (output stream) and s3rver (model and
 * dead letters), started in-process on free ports. The model is uploaded to S3 and loaded through
 * MODEL_LOCATION=s3://…, the output is read back with GetRecords and the dead letters from s3rver.
 */
import { readFile } from 'node:fs/promises';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createKinesisClient, createS3Client } from '../../lambda/aws-clients.js';
import { readConfig } from '../../lambda/config.js';
import { createHandler, type HandlerDependencies } from '../../lambda/handler.js';
import { dependenciesFromConfig } from '../../lambda/environment.js';
import type { DeadLetter } from '../../lambda/sinks/types.js';
import { kinesisEvent, kinesisRecord, lambdaContext, ride, sequenceNumber } from '../support/events.js';
import { RecordingLog } from '../support/log.js';
import { COURSE_ANCHOR, COURSE_MODEL_PATH } from '../support/model.js';
import {
  createBucket, createStream, putObject, readObjects, readStream, startKinesalite, startS3rver,
  TEST_CREDENTIALS, type RunningKinesalite, type RunningS3rver,
} from '../support/services.js';

let kinesis: RunningKinesalite;
let s3: RunningS3rver;
const OUTPUT = 'ride_predictions';

beforeAll(async () => {
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true'); // no EMF lines on the test output
  [kinesis, s3] = await Promise.all([startKinesalite(), startS3rver()]);
  await createStream(kinesis.client, OUTPUT);
  await createBucket(s3.client, 'models');
  await createBucket(s3.client, 'dead-letters');
  await putObject(s3.client, 'models', 'course/lin_reg.bin', await readFile(COURSE_MODEL_PATH));
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await kinesis?.stop();
  await s3?.dispose();
});

function environment(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PREDICTIONS_STREAM_NAME: OUTPUT,
    MODEL_LOCATION: 's3://models/course/lin_reg.bin',
    KINESIS_ENDPOINT_URL: kinesis.endpoint,
    S3_ENDPOINT_URL: s3.endpoint,
    DEAD_LETTER_BUCKET: 'dead-letters',
    DEAD_LETTER_PREFIX: 'poison',
    AWS_REGION: 'us-east-1',
    ...extra,
  };
}

/** The production wiring from an environment, with local credentials and a recording logger. */
function wire(env: Record<string, string>, log = new RecordingLog()): { deps: HandlerDependencies; log: RecordingLog; loads: () => number } {
  const config = readConfig(env);
  const deps = dependenciesFromConfig(config, {
    kinesis: createKinesisClient({ endpoint: config.kinesisEndpointUrl, credentials: TEST_CREDENTIALS }),
    s3: createS3Client({ endpoint: config.s3EndpointUrl, credentials: TEST_CREDENTIALS }),
    logger: log,
  });
  let loads = 0;
  return {
    deps: { ...deps, loadModel: () => { loads++; return deps.loadModel(); } },
    log,
    loads: () => loads,
  };
}

describe('handler against kinesalite and s3rver', () => {
  it('predicts, writes to the output stream, dead-letters poison to S3, and publishes metrics', async () => {
    const metrics = new Metrics({ namespace: 'RideDurationStream', serviceName: 'ride-duration-stream' });
    const published: unknown[] = [];
    vi.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => {
      published.push(metrics.serializeMetrics());
      metrics.clearMetrics();
      return metrics;
    });
    const { deps, log, loads } = wire(environment({ RUN_ID: 'e1b2c3' }));
    const handler = createHandler({ ...deps, metrics });
    const records = [
      kinesisRecord({ json: ride(256) }, 0),
      kinesisRecord({ text: '{"ride": {"PULocationID": 130' }, 1),
      kinesisRecord({ json: ride('ride-2', 7, 65, 1.5) }, 2),
    ];

    const response = await handler(kinesisEvent(records), lambdaContext());

    expect(response).toEqual({ batchItemFailures: [] });
    const output = await readStream(kinesis.client, OUTPUT);
    expect(output.map((r) => r.partitionKey)).toEqual(['256', 'ride-2']);
    expect(JSON.parse(output[0]!.data)).toStrictEqual({
      model: 'ride_duration_prediction_model',
      version: 'e1b2c3',
      prediction: { ride_duration: COURSE_ANCHOR.ride_duration, ride_id: 256 },
    });

    const objects = await readObjects(s3.client, 'dead-letters', 'poison/');
    expect(objects).toHaveLength(1);
    expect(objects[0]!.key).toMatch(/^poison\/dt=\d{4}-\d\d-\d\d\/ride_events\/shardId-000000000000\/\d+-\d+\.jsonl$/);
    const letters = objects[0]!.body.trimEnd().split('\n').map((line) => JSON.parse(line) as DeadLetter);
    expect(letters).toEqual([expect.objectContaining({ kind: 'json', sequenceNumber: sequenceNumber(1), data: records[1]!.kinesis.data })]);
    expect(letters[0]!.reason).toMatch(/^invalid JSON: /);

    // A second batch reuses the loaded model.
    await handler(kinesisEvent([kinesisRecord({ json: ride(3) }, 3)]), lambdaContext());
    expect(loads()).toBe(1);
    const loaded = log.entries.filter((e) => e.message === 'Model loaded');
    expect(loaded).toHaveLength(1);
    expect(loaded[0]!.fields.model).toMatchObject({ version: 'sha256:b51a38fd7db9', sha256: expect.stringMatching(/^b51a38fd/), s3ETag: expect.any(String) });
    expect(log.at('warn').map((e) => e.fields.sequenceNumber)).toEqual([sequenceNumber(1)]);

    // EMF: the counts of each invocation, model load time once.
    expect(published).toHaveLength(2);
    const [first, second] = published as Array<Record<string, unknown>>;
    expect(first).toMatchObject({ RecordsIn: 3, RecordsPredicted: 2, RecordsDeadLettered: 1, OutputWriteFailures: 0, ModelLoadMs: expect.any(Number) });
    expect(second).toMatchObject({ RecordsIn: 1, RecordsPredicted: 1 });
    expect(second).not.toHaveProperty('ModelLoadMs');
    const names = ((first!._aws as { CloudWatchMetrics: Array<{ Namespace: string; Metrics: Array<{ Name: string }> }> }).CloudWatchMetrics[0]!);
    expect(names.Namespace).toBe('RideDurationStream');
  });

  it('uses the model version when RUN_ID is not set', async () => {
    const { deps } = wire(environment());
    const handler = createHandler(deps);
    await handler(kinesisEvent([kinesisRecord({ json: ride(77) }, 0)]), lambdaContext());
    const output = await readStream(kinesis.client, OUTPUT);
    expect(JSON.parse(output.at(-1)!.data)).toMatchObject({ version: 'sha256:b51a38fd7db9', prediction: { ride_id: 77 } });
  });

  it('keeps the course TEST_RUN behaviour: predictions returned, nothing written', async () => {
    const before = (await readStream(kinesis.client, OUTPUT)).length;
    const { deps } = wire(environment({ TEST_RUN: 'True', RUN_ID: 'Test123', DEAD_LETTER_BUCKET: '' }));
    const handler = createHandler(deps);
    const response = await handler(kinesisEvent([kinesisRecord({ json: ride(256) }, 0), kinesisRecord({ data: '%%%%' }, 1)]), lambdaContext());
    expect(response.predictions).toStrictEqual([
      { model: 'ride_duration_prediction_model', version: 'Test123', prediction: { ride_duration: COURSE_ANCHOR.ride_duration, ride_id: 256 } },
    ]);
    expect(response.batchItemFailures).toEqual([]);
    expect(response.deadLetters).toEqual([expect.objectContaining({ kind: 'base64', sequenceNumber: sequenceNumber(1) })]);
    expect((await readStream(kinesis.client, OUTPUT)).length).toBe(before);
  });

  it('loads the model from the MLflow-style MODEL_BUCKET + MODEL_KEY pair too', async () => {
    const { deps } = wire({ ...environment({ TEST_RUN: 'True' }), MODEL_LOCATION: '', MODEL_BUCKET: 'models', MODEL_KEY: 'course/lin_reg.bin' });
    const response = await createHandler(deps)(kinesisEvent([kinesisRecord({ json: ride(1) }, 0)]), lambdaContext());
    expect(response.predictions?.[0]?.prediction.ride_duration).toBe(COURSE_ANCHOR.ride_duration);
  });
});
