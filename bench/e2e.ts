/**
 * End-to-end throughput of the local pipeline (`runLocalPipeline`): producer → kinesalite →
 * event-source mapping → real handler → kinesalite output, read back and reconciled.
 */
import { runLocalPipeline } from '../local/pipeline.js';

export interface EndToEndResult {
  readonly recordsPerSecond: number;
  readonly records: number;
  readonly predicted: number;
  readonly durationMs: number;
  readonly ok: boolean;
}

/**
 * @throws when the pipeline loses or mis-scores a record (its throughput would mean nothing).
 */
export async function measureEndToEnd(count: number, batchSize: number): Promise<EndToEndResult> {
  const summary = await runLocalPipeline({ count, batchSize, logLevel: 'ERROR' });
  if (!summary.ok) throw new Error(`local pipeline run not ok: ${summary.problems.join('; ')}`);
  return {
    recordsPerSecond: summary.throughput,
    records: count,
    predicted: summary.predicted,
    durationMs: summary.durationMs,
    ok: summary.ok,
  };
}
