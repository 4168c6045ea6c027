/**
 * The handler and the model contract: drift metrics and log lines per invocation, the contract
 * logged at load, and a model that cannot be served failing the invocation with nothing acknowledged.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHandler, ModelUnavailableError } from '../../lambda/handler.js';
import { loadModelFromBytes } from '../../lambda/model/index.js';
import { MemoryDeadLetterSink, MemoryOutputSink } from '../../lambda/sinks/memory.js';
import { kinesisEvent, kinesisRecord, lambdaContext, ride } from '../support/events.js';
import { RecordingLog } from '../support/log.js';
import { capturedMetrics } from '../support/metrics.js';
import { courseModel } from '../support/model.js';
import { modelFixtures } from '../model/support.js';

describe('the handler and the model contract', () => {
  it('publishes UnseenFeatureValues and its share per invocation, and samples the values in the log', async () => {
    const { metrics, published } = capturedMetrics();
    const log = new RecordingLog();
    const handler = createHandler({ loadModel: courseModel, output: new MemoryOutputSink(), deadLetters: new MemoryDeadLetterSink(), logger: log, metrics });
    const seen = [kinesisRecord({ json: ride(1) }, 0), kinesisRecord({ json: ride(2, 7, 65, 1.5) }, 1)];
    await handler(kinesisEvent(seen), lambdaContext());
    // (10, 50) and (11, 51) are pairs the course model never saw.
    const drifted = [...seen, kinesisRecord({ json: ride(3, 10, 50, 40) }, 2), kinesisRecord({ json: ride(4, 11, 51, 2) }, 3)];
    const response = await handler(kinesisEvent(drifted), lambdaContext());

    expect(response.batchItemFailures).toEqual([]);
    expect(published[0]).toMatchObject({ RecordsPredicted: 2, UnseenFeatureValues: 0, UnseenFeatureShare: 0 });
    expect(published[1]).toMatchObject({ RecordsPredicted: 4, UnseenFeatureValues: 2, UnseenFeatureShare: 50 });
    const drift = log.entries.filter((entry) => entry.message.startsWith('Rides with feature values the model never saw'));
    expect(drift.map((entry) => entry.fields)).toEqual([{ rides: 2, of: 4, sample: ['PU_DO=10_50', 'PU_DO=11_51'] }]);
    const loaded = log.entries.find((entry) => entry.message === 'Model loaded');
    expect(loaded?.fields.contract).toMatchObject({
      separator: '=',
      inputs: [
        { key: 'PU_DO', kind: 'one-hot', columns: 13_220, from: 'join(PULocationID, DOLocationID, "_")' },
        { key: 'trip_distance', kind: 'numeric', columns: 1, from: 'ride.trip_distance (number)' },
      ],
    });
  });

  it('fails the invocation, acknowledging nothing, when the model reads a key no ride provides', async () => {
    const log = new RecordingLog();
    const output = new MemoryOutputSink();
    const path = join(modelFixtures, 'contract', 'refused-fare.bin');
    const handler = createHandler({
      loadModel: async () => loadModelFromBytes(readFileSync(path), { source: path }),
      output,
      deadLetters: new MemoryDeadLetterSink(),
      logger: log,
    });
    const invocation = handler(kinesisEvent([kinesisRecord({ json: ride(1) }, 0)]), lambdaContext());
    await expect(invocation).rejects.toThrow(ModelUnavailableError);
    await expect(invocation).rejects.toThrow(/"fare_amount" \(numeric, 1 column\): no ride field or derived key has this name/);
    expect(output.records).toEqual([]);
    expect(log.at('error').map((entry) => entry.message)).toEqual(['Model could not be loaded; failing the whole batch so that Lambda retries it']);
    // The log line alone says which model was refused.
    expect(String(log.at('error')[0]?.fields.error)).toMatch(/^ModelContractError: model \/.*refused-fare\.bin: the model cannot be served: it reads "fare_amount"/);
  });
});
