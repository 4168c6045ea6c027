/**
 * The local run's books: every record put on the input stream must end predicted (valid rides) or
 * dead-lettered (poison), read back from where a consumer would find it. Pure: the same inputs give
 * the same summary.
 */
import { nearestRank } from '../lambda/shadow/stats.js';
import type { DeadLetter } from '../lambda/sinks/types.js';
import type { ObservedPrediction } from './observe.js';
import type { ReplayRecord } from './replay.js';

/** What became of one produced record. */
export interface RecordOutcome {
  readonly key: string;
  readonly source: ReplayRecord['source'];
  readonly expected: ReplayRecord['expected'];
  readonly rowIndex?: number;
  readonly poisonKind?: string;
  /** `ride_duration` of every prediction event read for it, in read order (more than one = duplicates). */
  readonly predictions: readonly number[];
  /** Reasons of its distinct dead letters. */
  readonly deadLetterReasons: readonly string[];
  /** Produce → first prediction read, ms. */
  readonly latencyMs?: number;
  readonly status: 'predicted' | 'dead-lettered' | 'missing' | 'misrouted';
}

/** Percentiles of end-to-end latency, ms (nearest rank). */
export interface LatencySummary {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/** The accounting part of a run's summary. */
export interface Accounting {
  /** Records put on the input stream. */
  readonly produced: number;
  readonly producedRides: number;
  readonly producedPoison: number;
  /** Input rows the handler's schema rejects (they are expected in the dead letters). */
  readonly invalidRides: number;
  /** Records expected to be predicted that were, at least once. */
  readonly predicted: number;
  /** Records expected to be dead-lettered that were. */
  readonly deadLettered: number;
  /** Extra copies: prediction events beyond the first per ride, dead letters beyond the first per record. */
  readonly duplicates: number;
  /** Produced records found neither in the output stream nor in the dead letters. */
  readonly missing: number;
  /** Found in the wrong place: a valid ride dead-lettered or a poison record predicted. */
  readonly misrouted: number;
  /** Output events or dead letters that match no produced record. */
  readonly unexpected: number;
  readonly deadLetterKinds: Readonly<Record<string, number>>;
  /** Distinct `version` values of the prediction events. */
  readonly versions: readonly string[];
  readonly latencyMs: LatencySummary | undefined;
  /** Time of the last prediction read (ms since the epoch), for throughput. */
  readonly lastReadAt: number | undefined;
  readonly outcomes: readonly RecordOutcome[];
}

/**
 * Matches produced records with what was read back.
 *
 * @param producedAt produce time per key (ms since the epoch)
 */
export function reconcile(
  records: readonly ReplayRecord[],
  producedAt: ReadonlyMap<string, number>,
  predictions: readonly ObservedPrediction[],
  deadLetters: readonly DeadLetter[],
): Accounting {
  const byKey = new Map<string, ObservedPrediction[]>();
  for (const prediction of predictions) {
    const list = byKey.get(prediction.key);
    if (list) list.push(prediction);
    else byKey.set(prediction.key, [prediction]);
  }
  // The same record may be dead-lettered again when Lambda re-delivers its batch: count it once.
  const letters = new Map<string, DeadLetter[]>();
  const seenLetters = new Set<string>();
  let duplicates = 0;
  for (const letter of deadLetters) {
    const id = `${letter.shardId}/${letter.sequenceNumber}`;
    if (seenLetters.has(id)) {
      duplicates += 1;
      continue;
    }
    seenLetters.add(id);
    const list = letters.get(letter.partitionKey);
    if (list) list.push(letter);
    else letters.set(letter.partitionKey, [letter]);
  }

  const outcomes: RecordOutcome[] = [];
  const latencies: number[] = [];
  const known = new Set<string>();
  const kinds: Record<string, number> = {};
  let predicted = 0;
  let deadLettered = 0;
  let missing = 0;
  let misrouted = 0;
  for (const record of records) {
    if (!producedAt.has(record.key)) continue; // never made it onto the stream: reported by the producer
    known.add(record.key);
    const seen = byKey.get(record.key) ?? [];
    const dead = letters.get(record.key) ?? [];
    duplicates += Math.max(0, seen.length - 1);
    const first = seen[0];
    const latencyMs = first ? first.readAt - (producedAt.get(record.key) ?? first.readAt) : undefined;
    if (latencyMs !== undefined) latencies.push(latencyMs);
    for (const letter of dead) kinds[letter.kind] = (kinds[letter.kind] ?? 0) + 1;
    let status: RecordOutcome['status'];
    if (seen.length === 0 && dead.length === 0) {
      status = 'missing';
      missing += 1;
    } else if (record.expected === 'prediction' && seen.length > 0 && dead.length === 0) {
      status = 'predicted';
      predicted += 1;
    } else if (record.expected === 'dead-letter' && dead.length > 0 && seen.length === 0) {
      status = 'dead-lettered';
      deadLettered += 1;
    } else {
      status = 'misrouted';
      misrouted += 1;
    }
    outcomes.push({
      key: record.key,
      source: record.source,
      expected: record.expected,
      ...(record.rowIndex === undefined ? {} : { rowIndex: record.rowIndex }),
      ...(record.poisonKind === undefined ? {} : { poisonKind: record.poisonKind }),
      predictions: seen.map((p) => p.event.prediction.ride_duration),
      deadLetterReasons: dead.map((letter) => letter.reason),
      ...(latencyMs === undefined ? {} : { latencyMs }),
      status,
    });
  }
  const unexpected =
    [...byKey.keys()].filter((key) => !known.has(key)).length + [...letters.keys()].filter((key) => !known.has(key)).length;
  latencies.sort((a, b) => a - b);
  const produced = outcomes.length;
  const producedPoison = outcomes.filter((o) => o.source === 'poison').length;
  return {
    produced,
    producedRides: produced - producedPoison,
    producedPoison,
    invalidRides: outcomes.filter((o) => o.source === 'ride' && o.expected === 'dead-letter').length,
    predicted,
    deadLettered,
    duplicates,
    missing,
    misrouted,
    unexpected,
    deadLetterKinds: kinds,
    versions: [...new Set(predictions.map((p) => p.event.version))],
    latencyMs:
      latencies.length === 0
        ? undefined
        : {
            p50: nearestRank(latencies, 50),
            p95: nearestRank(latencies, 95),
            p99: nearestRank(latencies, 99),
            max: latencies.at(-1) ?? Number.NaN,
          },
    lastReadAt: predictions.reduce<number | undefined>((latest, p) => Math.max(latest ?? 0, p.readAt), undefined),
    outcomes,
  };
}
