/**
 * The dead letters of the deployed entry (lambda/entry.ts) as Lambda runs it (role credentials in
 * the environment, `DEAD_LETTER_BUCKET` on a real s3rver): a batch with poison stores its dead
 * letters with the function's own signed PUT, and the SDK chunk (lambda/aws-parts.ts) is never
 * imported. The control: with an injected SDK client the same wiring does import it, so the spy on
 * the import sees what it is meant to. Own process: fresh module state.
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
  TEST_CREDENTIALS,
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
  vi.doUnmock('../../lambda/aws-parts.js');
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

/** Counts imports of the SDK chunk from now on (the module itself still loads, unchanged). */
function watchSdkChunk(): { readonly imports: () => number } {
  let imports = 0;
  vi.doMock('../../lambda/aws-parts.js', async (importOriginal) => {
    imports++;
    return importOriginal();
  });
  return { imports: () => imports };
}

/** The deployed entry, fresh, in a Lambda environment with this dead-letter bucket, the SDK chunk and the signed PUT watched. */
async function loadEntry(deadLetterBucket: string) {
  lambdaEnvironment(deadLetterBucket);
  vi.resetModules();
  const sdk = watchSdkChunk();
  const { SignedS3Client } = await import('../../lambda/signed-s3-client.js');
  const put = vi.spyOn(SignedS3Client.prototype, 'putObject');
  const { handler } = await import('../../lambda/entry.js');
  return { handler, put, sdk };
}

const batch = () => [
  kinesisRecord({ json: ride(256) }, 0),
  kinesisRecord({ text: 'not json' }, 1),
  kinesisRecord({ json: { ride: { PULocationID: 1, DOLocationID: 2 }, ride_id: 2 } }, 2),
];

describe('dead letters of the deployed entry', () => {
  it('with the role credentials in the environment: stored by the signed PUT, the SDK chunk never imported', async () => {
    await createBucket(s3.client, 'dead-letters-signed');
    const { handler, put, sdk } = await loadEntry('dead-letters-signed');

    const response = await handler(kinesisEvent(batch()), lambdaContext());
    expect(response).toStrictEqual({ batchItemFailures: [] });
    expect(put).toHaveBeenCalledTimes(1);
    expect(put.mock.calls[0]?.[0]).toBe('dead-letters-signed');
    const objects = await readObjects(s3.client, 'dead-letters-signed', 'dead-letters/');
    expect(objects).toHaveLength(1);
    const letters = objects[0]!.body.trimEnd().split('\n').map((line) => JSON.parse(line) as DeadLetter);
    expect(letters.map((l) => [l.kind, l.sequenceNumber, l.data])).toEqual([
      ['json', batch()[1]!.kinesis.sequenceNumber, batch()[1]!.kinesis.data],
      ['schema', batch()[2]!.kinesis.sequenceNumber, batch()[2]!.kinesis.data],
    ]);
    const head = await s3.client.send(new HeadObjectCommand({ Bucket: 'dead-letters-signed', Key: objects[0]!.key }));
    expect(head.ContentType).toBe('application/x-ndjson');
    expect((await readStream(kinesis.client, 'dead_letter_predictions')).map((r) => r.partitionKey)).toEqual(['256']);
    expect(sdk.imports()).toBe(0);
  });

  it('a failed signed PUT (no such bucket) reports the poison records in batchItemFailures with S3\'s code', async () => {
    const { handler, put, sdk } = await loadEntry('dead-letters-missing');
    const response = await handler(kinesisEvent(batch()), lambdaContext());
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: batch()[1]!.kinesis.sequenceNumber }, { itemIdentifier: batch()[2]!.kinesis.sequenceNumber }]);
    expect(put).toHaveBeenCalledTimes(1);
    await expect(put.mock.results[0]?.value).rejects.toMatchObject({ name: 'NoSuchBucket', $metadata: { httpStatusCode: 404 } });
    expect(sdk.imports()).toBe(0);
  });

  it('control: with an injected SDK client the dead letters go through the SDK chunk, imported by the first batch with poison', async () => {
    await createBucket(s3.client, 'dead-letters-sdk');
    lambdaEnvironment('dead-letters-sdk');
    vi.resetModules();
    const sdk = watchSdkChunk();
    const { readConfig } = await import('../../lambda/config.js');
    const { createHandler, dependenciesFromConfig } = await import('../../lambda/handler.js');
    const { createS3Client } = await import('../../lambda/aws-clients.js');
    vi.stubEnv('MODEL_LOCATION', COURSE_MODEL_PATH); // a local model: only the dead letters could need S3
    const config = readConfig();
    const handler = createHandler(dependenciesFromConfig(config, { s3: createS3Client({ endpoint: s3.endpoint, credentials: TEST_CREDENTIALS }) }));
    await handler.warmUp();
    expect(await handler(kinesisEvent(batch().slice(0, 1)), lambdaContext())).toStrictEqual({ batchItemFailures: [] });
    expect(sdk.imports()).toBe(0); // no poison yet: the output is the signed PutRecords
    const response = await handler(kinesisEvent(batch()), lambdaContext());
    expect(response).toStrictEqual({ batchItemFailures: [] });
    expect(sdk.imports()).toBe(1);
    expect(await readObjects(s3.client, 'dead-letters-sdk', 'dead-letters/')).toHaveLength(1);
  });
});
