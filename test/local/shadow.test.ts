/**
 * `npm start -- --shadow-model`: the real handler with a shadow model in the local pipeline, with
 * poison and partial output failures. Whatever the shadow does (score, fail to load, fail on every
 * ride) the output stream and the dead letters are exactly those of a run without it; with a
 * working shadow its pairs land under `shadow/` of the dead-letter bucket and the summary compares
 * both models against the actual durations.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { KinesisBatchFunction } from '../../local/event-source-mapping.js';
import { LocalPipeline, runLocalPipeline, type LocalPipelineOptions, type PipelineSummary } from '../../local/pipeline.js';
import { formatSummary } from '../../local/report.js';
import { readObjects } from '../support/services.js';

const fixture = (path: string): string => fileURLToPath(new URL(`../fixtures/${path}`, import.meta.url));
const LASSO = fixture('models/lasso-sklearn-1.5.0.bin');
/** Reads passenger_count, which the bundled sample CSV does not have: every ride is a shadow failure. */
const PASSENGER = fixture('models/contract/passenger-linreg.bin');
/** Not a model: the shadow cannot load. */
const NOT_A_MODEL = fixture('rides/sample.csv');

/** The real handler, whose first big batch reports records 30 and 10 failed once (partial output failure). */
function partialFailures(): Pick<LocalPipelineOptions, 'wrapHandler'> {
  let failed = false;
  return {
    wrapHandler: (handler: KinesisBatchFunction): KinesisBatchFunction => async (event, context) => {
      const response = await handler(event, context);
      if (failed || event.Records.length < 31) return response;
      failed = true;
      const sequence = (i: number): string => event.Records[i]?.kinesis.sequenceNumber ?? '';
      return { batchItemFailures: [{ itemIdentifier: sequence(30) }, { itemIdentifier: sequence(10) }] };
    },
  };
}

const OPTIONS = { count: 400, poison: 0.05, seed: 7, batchSize: 100 } as const;

/** What consumers see: every record's predictions and dead letters, and the books. */
const seen = (summary: PipelineSummary) => ({
  outcomes: summary.outcomes.map(({ key, status, predictions, deadLetterReasons }) => ({ key, status, predictions, deadLetterReasons })),
  counts: [summary.ok, summary.predicted, summary.deadLettered, summary.duplicates, summary.missing, summary.versions],
});

describe('a shadow model in the local pipeline', () => {
  it('changes nothing consumers see, whether it scores, fails to load or fails on every ride', async () => {
    const baseline = await runLocalPipeline({ ...OPTIONS, ...partialFailures() });
    expect(baseline.ok).toBe(true);
    expect(baseline.duplicates).toBe(90);
    expect(baseline.shadow).toBeUndefined();

    const pipeline = await LocalPipeline.start({ ...OPTIONS, ...partialFailures(), shadowModel: LASSO });
    let scored: PipelineSummary;
    let pairObjects: Array<{ key: string; body: string }>;
    try {
      scored = await pipeline.replay();
      pairObjects = await readObjects(pipeline.services.s3, pipeline.endpoints.deadLetterBucket, 'shadow/');
    } finally {
      await pipeline.stop();
    }
    const unloadable = await runLocalPipeline({ ...OPTIONS, ...partialFailures(), shadowModel: NOT_A_MODEL });
    const failing = await runLocalPipeline({ ...OPTIONS, ...partialFailures(), shadowModel: PASSENGER });

    for (const run of [scored, unloadable, failing]) expect(seen(run)).toStrictEqual(seen(baseline));

    // The pairs, where the README says: shadow/dt=<day>/<stream>/<shard>/<first>-<last>.jsonl.
    expect(pairObjects.length).toBeGreaterThanOrEqual(4);
    for (const { key } of pairObjects) expect(key).toMatch(/^shadow\/dt=\d{4}-\d{2}-\d{2}\/ride_events\/shardId-000000000000\/\d+-\d+\.jsonl$/);
    const comparison = scored.shadow!;
    const [main, shadow] = comparison.models;
    expect(main).toMatchObject({ role: 'main', scored: baseline.predicted });
    expect(shadow).toMatchObject({ role: 'shadow', version: 'sha256:ac1a75074353', scored: baseline.predicted, evaluated: main!.evaluated });
    expect(main!.evaluated).toBeGreaterThan(300);
    expect(main!.rmse).toBeGreaterThan(main!.mae);
    expect(shadow!.rmse).toBeGreaterThan(main!.rmse); // the lasso is the worse model on February
    expect(comparison.meanAbsoluteDifference).toBeGreaterThan(0);
    expect(comparison.scoringFailures).toBe(0);
    expect(formatSummary(scored)).toMatch(/Shadow comparison[^\n]*\n\s+model\s+version\s+scored\s+evaluated\s+RMSE\s+MAE\n\s+main\s+sha256:b51a38fd7db9/);

    expect(unloadable.shadow?.loadError).toMatch(/sample\.csv|model/i);
    expect(unloadable.shadow?.models[1]?.scored).toBe(0);
    expect(failing.shadow?.models[1]?.scored).toBe(0);
    // Every delivery of every valid ride, re-deliveries included.
    expect(failing.shadow?.scoringFailures).toBeGreaterThan(baseline.predicted);
  });
});
