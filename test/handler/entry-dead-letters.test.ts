/**
 * The dead letters of the deployed entry (lambda/entry.ts) as Lambda runs it (role credentials in
 * the environment, `DEAD_LETTER_BUCKET` on a real s3rver, the output on kinesalite): a batch with
 * poison stores its dead letters with the SDK's PutObject. Own process: fresh module state.
 */
import { readFile } from 'node:fs/promises';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DeadLetter } from '../../lambda/sinks/types.js';
import { kinesisEvent, kinesisRecord, lambdaContext, ride } from '../support/events.js';
import { COURSE_MODEL_PATH } from '../support/model.js';
import {
  createBucket,
  createStream,
  putObject,
  readObjects,
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
  await putObject(s3.client, 'models', 'lin_reg.bin', await readFile(COURSE_MODEL_PATH));
  await createStream(kinesis.client, 'dead_letter_predictions');
});

afterEach(() => {
  vi.unstubAllEnvs();
});

afterAll(async () => {
  await s3?.dispose();
  await kinesis?.stop();
});

function lambdaEnvironment(deadLetterBucket: string): void {
  stubLambdaRole(s3.endpoint);
  vi.stubEnv('KINESIS_ENDPOINT_URL', kinesis.endpoint);
  vi.stubEnv('MODEL_LOCATION', 's3://models/lin_reg.bin');
  vi.stubEnv('PREDICTIONS_STREAM_NAME', 'dead_letter_predictions');
  vi.stubEnv('DEAD_LETTER_BUCKET', deadLetterBucket);
  vi.stubEnv('RUN_ID', 'dead-letters');
  vi.stubEnv('LOG_LEVEL', 'SILENT');
}

/** The deployed entry, fresh (its SDK clients made and its model load started at import), in a Lambda environment with this dead-letter bucket. */
async function loadEntry(deadLetterBucket: string) {
  lambdaEnvironment(deadLetterBucket);
  vi.resetModules();
  return import('../../lambda/entry.js');
}

const batch = () => [
  kinesisRecord({ json: ride(256) }, 0),
  kinesisRecord({ text: 'not json' }, 1),
  kinesisRecord({ json: { ride: { PULocationID: 1, DOLocationID: 2 }, ride_id: 2 } }, 2),
];

describe('dead letters of the deployed entry', () => {
  it('are stored in the dead-letter bucket by the SDK client, next to the predictions on the output stream', async () => {
    await createBucket(s3.client, 'dead-letters-sdk');
    const { handler } = await loadEntry('dead-letters-sdk');

    const response = await handler(kinesisEvent(batch()), lambdaContext());
    expect(response).toStrictEqual({ batchItemFailures: [] });
    const objects = await readObjects(s3.client, 'dead-letters-sdk', 'dead-letters/');
    expect(objects).toHaveLength(1);
    const letters = objects[0]!.body.trimEnd().split('\n').map((line) => JSON.parse(line) as DeadLetter);
    expect(letters.map((l) => [l.kind, l.sequenceNumber, l.data])).toEqual([
      ['json', batch()[1]!.kinesis.sequenceNumber, batch()[1]!.kinesis.data],
      ['schema', batch()[2]!.kinesis.sequenceNumber, batch()[2]!.kinesis.data],
    ]);
    const head = await s3.client.send(new HeadObjectCommand({ Bucket: 'dead-letters-sdk', Key: objects[0]!.key }));
    expect(head.ContentType).toBe('application/x-ndjson');
    expect((await readStream(kinesis.client, 'dead_letter_predictions')).map((r) => r.partitionKey)).toEqual(['256']);
  });

  it('a failed PutObject (no such bucket) reports the poison records in batchItemFailures, the valid one acknowledged', async () => {
    const { handler } = await loadEntry('dead-letters-missing');
    const response = await handler(kinesisEvent(batch()), lambdaContext());
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: batch()[1]!.kinesis.sequenceNumber }, { itemIdentifier: batch()[2]!.kinesis.sequenceNumber }]);
  });
});
