/**
 * The metrics the CDK alarms watch, through the handler: on batches whose output or dead-letter
 * writes fail, the published `OutputWriteFailures` and `DeadLetterWriteFailures` are the numbers of
 * records that failed (and are the records reported in `batchItemFailures`), and 0 otherwise.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createHandler } from '../../lambda/handler.js';
import type { LoadedModel } from '../../lambda/model/types.js';
import type { DeadLetter, DeadLetterSink, OutputFailure, OutputSink } from '../../lambda/sinks/types.js';
import { kinesisEvent, kinesisRecord, lambdaContext, ride, sequenceNumber } from '../support/events.js';
import { capturedMetrics } from '../support/metrics.js';
import { courseModel } from '../support/model.js';

let model: LoadedModel;
beforeAll(async () => {
  model = await courseModel();
});

/** An output sink that fails the records whose index `fails` picks, and keeps the rest. */
function outputSink(fails: (index: number) => boolean): OutputSink & { written: number } {
  const sink = {
    written: 0,
    async write(batch: { readonly length: number }): Promise<readonly OutputFailure[]> {
      const failures: OutputFailure[] = [];
      for (let i = 0; i < batch.length; i++) {
        if (fails(i)) failures.push({ index: i, errorCode: 'ProvisionedThroughputExceededException', errorMessage: 'Rate exceeded' });
        else sink.written++;
      }
      return failures;
    },
  };
  return sink;
}

/** A dead-letter store that is down (`down`) or keeps the letters. */
function deadLetterSink(down: boolean): DeadLetterSink & { stored: DeadLetter[] } {
  const stored: DeadLetter[] = [];
  return {
    stored,
    async write(letters) {
      if (down) throw new Error('AccessDenied: dead-letter bucket');
      stored.push(...letters);
    },
  };
}

const poison = (index: number) => kinesisRecord({ text: `{"ride": {"PULocationID": "bad-${index}"}}` }, index);
const valid = (index: number) => kinesisRecord({ json: ride(index) }, index);
const failedSequenceNumbers = (response: { batchItemFailures: Array<{ itemIdentifier: string }> }) => response.batchItemFailures.map((f) => f.itemIdentifier).sort();

describe('failure metrics through the handler', () => {
  it('OutputWriteFailures counts the output records that could not be written', async () => {
    const { metrics, published } = capturedMetrics();
    const handler = createHandler({ loadModel: async () => model, output: outputSink((i) => i % 2 === 1), deadLetters: deadLetterSink(false), metrics });
    const response = await handler(kinesisEvent([valid(0), valid(1), valid(2), valid(3), poison(4)]), lambdaContext());
    expect(failedSequenceNumbers(response)).toEqual([sequenceNumber(1), sequenceNumber(3)]);
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({ RecordsIn: 5, RecordsPredicted: 2, RecordsDeadLettered: 1, OutputWriteFailures: 2, DeadLetterWriteFailures: 0 });
  });

  it('DeadLetterWriteFailures counts the poison records whose dead letter could not be stored', async () => {
    const { metrics, published } = capturedMetrics();
    const handler = createHandler({ loadModel: async () => model, output: outputSink(() => false), deadLetters: deadLetterSink(true), metrics });
    const response = await handler(kinesisEvent([valid(0), poison(1), valid(2), poison(3), poison(4)]), lambdaContext());
    expect(failedSequenceNumbers(response)).toEqual([sequenceNumber(1), sequenceNumber(3), sequenceNumber(4)]);
    expect(published[0]).toMatchObject({ RecordsIn: 5, RecordsPredicted: 2, OutputWriteFailures: 0, DeadLetterWriteFailures: 3 });
  });

  it('both at once, then a clean batch: the next invocation publishes zeros again', async () => {
    const { metrics, published } = capturedMetrics();
    let failing = true;
    const handler = createHandler({
      loadModel: async () => model,
      output: outputSink(() => failing),
      deadLetters: { write: async (letters) => { if (failing) throw new Error(`store down for ${letters.length} letters`); } },
      metrics,
    });
    const first = await handler(kinesisEvent([valid(0), valid(1), valid(2), poison(3)]), lambdaContext());
    expect(first.batchItemFailures).toHaveLength(4);
    failing = false;
    const second = await handler(kinesisEvent([valid(5), poison(6)]), lambdaContext());
    expect(second.batchItemFailures).toEqual([]);
    expect(published.map((m) => [m.OutputWriteFailures, m.DeadLetterWriteFailures])).toEqual([
      [3, 1],
      [0, 0],
    ]);
  });
});
