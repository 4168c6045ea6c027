/**
 * Loads one hostile model file in a process of its own and prints, as one JSON line, how long the
 * load took, the process's peak RSS and how it ended. Run by the hostile-file test and by
 * `hostile-measure.ts`, one process per file so that each peak belongs to one file.
 *
 * ```sh
 * node --import tsx test/model/hostile-child.ts forest-shared-estimator
 * ```
 */
import { loadModelFromBytes } from '../../lambda/model/index.js';
import { HOSTILE_KINDS } from './hostile-pickles.js';

export interface HostileReport {
  readonly kind: string;
  readonly bytes: number;
  /** Wall-clock time of the load. */
  readonly ms: number;
  /** CPU time (user + system) of the load: what the load costs, whatever else shares the machine. */
  readonly cpuMs: number;
  readonly peakRssMb: number;
  readonly outcome: 'loads' | 'refused';
  readonly error?: string;
  readonly errorName?: string;
}

const name = process.argv[2];
const kind = HOSTILE_KINDS.find((k) => k.name === name);
if (!kind) throw new Error(`unknown hostile kind ${String(name)}`);
const bytes = kind.build();
const started = performance.now();
const cpu = process.cpuUsage();
const cpuMs = (): number => {
  const { user, system } = process.cpuUsage(cpu);
  return (user + system) / 1000;
};
let report: HostileReport;
try {
  const model = loadModelFromBytes(bytes, { source: `${kind.name}.pkl` });
  model.predictor.predictOne({ a: 1, b: 2 });
  report = { kind: kind.name, bytes: bytes.length, ms: performance.now() - started, cpuMs: cpuMs(), peakRssMb: 0, outcome: 'loads' };
} catch (err) {
  const error = err as Error;
  report = { kind: kind.name, bytes: bytes.length, ms: performance.now() - started, cpuMs: cpuMs(), peakRssMb: 0, outcome: 'refused', error: error.message.slice(0, 600), errorName: error.name };
}
report = { ...report, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) };
process.stdout.write(`${JSON.stringify(report)}\n`);
