/**
 * Faults of the S3 side, with a real s3rver: the model bucket unreachable at cold start, and the
 * dead-letter bucket failing. Output goes to a real kinesalite stream.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createKinesisClient, createS3Client } from '../../lambda/aws-clients.js';
import { readConfig } from '../../lambda/config.js';
import { createHandler, ModelUnavailableError, type RideHandler } from '../../lambda/handler.js';
import { dependenciesFromConfig } from '../../lambda/environment.js';
import type { DeadLetter } from '../../lambda/sinks/types.js';
import { kinesisEvent, kinesisRecord, lambdaContext, ride } from '../support/events.js';
import { RecordingLog } from '../support/log.js';
import { COURSE_MODEL_PATH } from '../support/model.js';
import { deliverUntilCheckpointed } from '../support/redeliver.js';
import {
  createBucket, createStream, putObject, readObjects, readStream, startKinesalite, startS3rver,
  TEST_CREDENTIALS, type RunningKinesalite, type RunningS3rver,
} from '../support/services.js';

let kinesis: RunningKinesalite;
let s3: RunningS3rver;

beforeAll(async () => {
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true'); // no EMF lines on the test output
  [kinesis, s3] = await Promise.all([startKinesalite(), startS3rver()]);
  await createBucket(s3.client, 'models');
  await putObject(s3.client, 'models', 'lin_reg.bin', await readFile(COURSE_MODEL_PATH));
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await kinesis?.stop();
  await s3?.dispose();
});

function handlerFor(stream: string, deadLetterBucket: string, log: RecordingLog): { handler: RideHandler; loads: () => number } {
  const config = readConfig({
    PREDICTIONS_STREAM_NAME: stream,
    MODEL_LOCATION: 's3://models/lin_reg.bin',
    KINESIS_ENDPOINT_URL: kinesis.endpoint,
    S3_ENDPOINT_URL: s3.endpoint,
    DEAD_LETTER_BUCKET: deadLetterBucket,
  });
  const deps = dependenciesFromConfig(config, {
    kinesis: createKinesisClient({ endpoint: config.kinesisEndpointUrl, credentials: TEST_CREDENTIALS }),
    s3: createS3Client({ endpoint: config.s3EndpointUrl, credentials: TEST_CREDENTIALS }),
    logger: log,
  });
  let loads = 0;
  const handler = createHandler({ ...deps, loadModel: () => { loads++; return deps.loadModel(); } });
  return { handler, loads: () => loads };
}

const records = () => [
  kinesisRecord({ json: ride(1) }, 0),
  kinesisRecord({ json: { ride: { PULocationID: 1, DOLocationID: 2 }, ride_id: 2 } }, 1),
  kinesisRecord({ json: ride(3, 43, 151, 2.5) }, 2),
];

describe('S3 unavailable at cold start', () => {
  it('fails the invocation cleanly without acknowledging anything, and loads the model on the next one', async () => {
    await createStream(kinesis.client, 'cold_start');
    await createBucket(s3.client, 'dead-letters-cold');
    const log = new RecordingLog();
    const { handler, loads } = handlerFor('cold_start', 'dead-letters-cold', log);

    await s3.stop();
    try {
      // The warm-up at init fails too, and is not cached.
      await handler.warmUp();
      expect(log.at('warn').some((e) => e.message.startsWith('Model load failed at init'))).toBe(true);
      const error: unknown = await handler(kinesisEvent(records()), lambdaContext()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ModelUnavailableError);
      expect((error as Error).message).toMatch(/^model could not be loaded: ModelFetchError: .*s3:\/\/models\/lin_reg\.bin/);
      expect(log.at('error').at(-1)).toMatchObject({ message: expect.stringMatching(/failing the whole batch/), fields: { records: 3 } });
    } finally {
      await s3.start();
    }
    // Nothing was written or dead-lettered while the model was missing.
    expect(await readStream(kinesis.client, 'cold_start')).toHaveLength(0);
    expect(await readObjects(s3.client, 'dead-letters-cold')).toHaveLength(0);

    const response = await handler(kinesisEvent(records()), lambdaContext());
    expect(response.batchItemFailures).toEqual([]);
    expect(loads()).toBe(3);
    expect((await readStream(kinesis.client, 'cold_start')).map((r) => r.partitionKey)).toEqual(['1', '3']);
    expect(await readObjects(s3.client, 'dead-letters-cold')).toHaveLength(1);
  });
});

describe('dead-letter sink failing', () => {
  it('reports the poison records in batchItemFailures while the valid ones are written; redelivery dead-letters them', async () => {
    await createStream(kinesis.client, 'dead_letter_fault');
    const log = new RecordingLog();
    const { handler } = handlerFor('dead_letter_fault', 'dead-letters-later', log); // bucket does not exist yet

    const first = await handler(kinesisEvent(records()), lambdaContext());
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: records()[1]!.kinesis.sequenceNumber }]);
    expect(log.at('error').find((e) => e.message.startsWith('Dead-letter write failed'))?.fields).toMatchObject({ records: 1, errorCode: 'NoSuchBucket' });

    await createBucket(s3.client, 'dead-letters-later');
    // Lambda resumes at the poison record: the ride after it is written a second time.
    const report = await deliverUntilCheckpointed(handler, records().slice(1), { log });
    for (const c of report.counts) expect(c.in).toBe(c.predicted + c.deadLettered + c.outputFailed + c.deadLetterFailed);
    const written = (await readStream(kinesis.client, 'dead_letter_fault')).map((r) => r.partitionKey);
    expect(written).toEqual(['1', '3', '3']);
    const objects = await readObjects(s3.client, 'dead-letters-later');
    expect(objects).toHaveLength(1);
    const letter = JSON.parse(objects[0]!.body.trim()) as DeadLetter;
    expect(letter).toMatchObject({ kind: 'schema', reason: 'schema: ride.trip_distance: missing', data: records()[1]!.kinesis.data });
  });
});
