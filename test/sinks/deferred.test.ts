/**
 * Sinks loaded on first use: the real sink is built once, a failed load is retried by the next
 * write, and a failure reaches the batch as a throw (which counts every record of the call failed).
 */
import { describe, expect, it } from 'vitest';
import { Deferred, DeferredDeadLetterSink, DeferredOutputSink } from '../../lambda/sinks/deferred.js';
import { MemoryDeadLetterSink, MemoryOutputSink } from '../../lambda/sinks/memory.js';
import { OutputBatch } from '../../lambda/sinks/output-batch.js';
import type { DeadLetter } from '../../lambda/sinks/types.js';

const options = { remainingTimeMs: () => 10_000 };

describe('Deferred', () => {
  it('loads once, shares the load between concurrent callers, and forgets a failed load', async () => {
    let calls = 0;
    const deferred = new Deferred(async () => {
      calls++;
      if (calls === 1) throw new Error('chunk not there yet');
      return calls;
    });
    await expect(deferred.get()).rejects.toThrow('chunk not there yet');
    const [a, b] = await Promise.all([deferred.get(), deferred.get()]);
    expect([a, b, await deferred.get(), calls]).toEqual([2, 2, 2, 2]);
  });
});

describe('deferred sinks', () => {
  it('write through the sink they load, building it on the first write only', async () => {
    const memory = new MemoryOutputSink();
    let builds = 0;
    const sink = new DeferredOutputSink(new Deferred(async () => (builds++, memory)));
    const batch = OutputBatch.of([{ data: new TextEncoder().encode('{"a":1}'), partitionKey: '1' }]);
    expect(await sink.write(batch, options)).toEqual([]);
    expect(await sink.write(batch, options)).toEqual([]);
    expect(builds).toBe(1);
    expect(memory.records.map((record) => record.partitionKey)).toEqual(['1', '1']);
  });

  it('a sink that cannot be loaded throws on write', async () => {
    const output = new DeferredOutputSink(new Deferred(() => Promise.reject(new Error('no SDK'))));
    await expect(output.write(new OutputBatch(), options)).rejects.toThrow('no SDK');
    const letters = new DeferredDeadLetterSink(new Deferred(() => Promise.reject(new Error('no SDK'))));
    await expect(letters.write([], options)).rejects.toThrow('no SDK');
    const memory = new MemoryDeadLetterSink();
    const ok = new DeferredDeadLetterSink(new Deferred(async () => memory));
    const letter = { reason: 'r', kind: 'json', shardId: 's', sequenceNumber: '1', partitionKey: 'p', approximateArrivalTimestamp: 0, data: 'e30=', eventSourceARN: undefined } satisfies DeadLetter;
    await ok.write([letter], options);
    expect(memory.letters).toEqual([letter]);
  });
});
