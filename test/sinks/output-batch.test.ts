/**
 * The output batch: records packed into one buffer, and that buffer handed on to the next batch
 * once a batch is released.
 */
import { describe, expect, it } from 'vitest';
import { processBatch } from '../../lambda/batch.js';
import { loadModel } from '../../lambda/model/index.js';
import { MemoryDeadLetterSink } from '../../lambda/sinks/memory.js';
import { OutputBatch } from '../../lambda/sinks/output-batch.js';
import type { OutputSink } from '../../lambda/sinks/types.js';
import { KinesisEventBuilder } from '../../io/kinesis-event.js';
import { repoRoot } from '../model/support.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('OutputBatch', () => {
  it('keeps each record\'s bytes and partition key, growing past the expected size', () => {
    const batch = new OutputBatch(1);
    const texts = Array.from({ length: 50 }, (_, i) => `{"record":${i},"pad":"${'x'.repeat(i * 10)}"}`);
    texts.forEach((text, i) => batch.add(text, String(i)));
    expect(batch.length).toBe(50);
    texts.forEach((text, i) => {
      expect(batch.text(i)).toBe(text);
      expect(batch.partitionKey(i)).toBe(String(i));
    });
  });

  it('once released, is empty and gives its buffer to the next batch, which overwrites it', () => {
    const first = new OutputBatch(100);
    first.addBytes(bytes('first'), 'a');
    const view = first.data(0);
    first.release();
    expect(first.length).toBe(0);
    expect(() => first.partitionKey(0)).toThrow(RangeError);

    const second = new OutputBatch(100);
    second.addBytes(bytes('SECOND'), 'b');
    // The released batch's view now reads the new batch's bytes: why sinks must copy what they keep.
    expect(new TextDecoder().decode(view)).toBe('SECON');
    expect(second.text(0)).toBe('SECOND');
  });

  it('never gives one buffer to two live batches', () => {
    const released = new OutputBatch(10);
    released.release();
    const a = new OutputBatch(10);
    const b = new OutputBatch(10);
    a.addBytes(bytes('aaaa'), 'a');
    b.addBytes(bytes('bbbb'), 'b');
    expect(a.text(0)).toBe('aaaa');
    expect(b.text(0)).toBe('bbbb');
  });
});

describe('processBatch and the reused buffer', () => {
  it('writes each batch\'s own records although consecutive batches share one buffer', async () => {
    const { predictor } = await loadModel(`${repoRoot}/model-artifacts/lin_reg.bin`);
    const written: string[][] = [];
    const output: OutputSink = {
      async write(batch) {
        written.push(Array.from({ length: batch.length }, (_, i) => batch.text(i)));
        return [];
      },
    };
    const builder = new KinesisEventBuilder();
    const event = (first: number) =>
      builder.event(
        Array.from({ length: 200 }, (_, i) => ({
          data: JSON.stringify({ ride: { PULocationID: 130, DOLocationID: 205, trip_distance: 1 + i }, ride_id: first + i }),
          partitionKey: String(first + i),
        })),
      );
    const deps = { predictor, version: 'run', output, deadLetters: new MemoryDeadLetterSink() };
    const one = await processBatch(event(0).Records, deps);
    const two = await processBatch(event(1_000).Records, deps);
    expect(one.counts.predicted).toBe(200);
    expect(two.counts.predicted).toBe(200);
    expect(written[0]!.map((text) => JSON.parse(text).prediction.ride_id)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(written[1]!.map((text) => JSON.parse(text).prediction.ride_id)).toEqual(Array.from({ length: 200 }, (_, i) => 1_000 + i));
    // The predictions of the first outcome are still its own (they never read the buffer).
    expect(one.predictions.map((event) => event.prediction.ride_id)).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });
});
