/** The machine a figure was measured on. */
import { cpus, loadavg, release, totalmem } from 'node:os';

export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly node: string;
  readonly platform: string;
  readonly memoryGb: number;
  /** 1-minute load average when the bench started and ended: a busy machine slows wall-clock figures. */
  readonly loadAverage: { readonly start: number; readonly end?: number };
}

export function machineInfo(): MachineInfo {
  const all = cpus();
  return {
    cpuModel: all[0]?.model.trim() ?? 'unknown',
    cores: all.length,
    node: process.version,
    platform: `${process.platform} ${release()} ${process.arch}`,
    memoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    loadAverage: { start: Math.round(loadavg()[0]! * 100) / 100 },
  };
}

export function currentLoad(): number {
  return Math.round(loadavg()[0]! * 100) / 100;
}

const PACE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const PACE_VALUES = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) PACE_VALUES[PACE_ALPHABET.charCodeAt(i)] = i;

/**
 * The host's pace: median time of one pass of a fixed, throughput-bound, pure-JS loop (base64 of
 * 2,000 synthetic 128-character strings into a reused buffer) that uses no project code. On this VM
 * it reads at two levels about 1.6x apart, in phases of seconds, and every CPU-bound figure moves
 * with it (BENCHMARKS.md): printed next to the figures so that a slow-phase run can be told apart.
 */
export function hostPaceMs(passes = 60): number {
  const inputs: string[] = [];
  let seed = 1;
  for (let s = 0; s < 2_000; s++) {
    let text = '';
    for (let i = 0; i < 128; i++) {
      seed = (seed * 1_103_515_245 + 12_345) >>> 0;
      text += PACE_ALPHABET[seed >>> 26];
    }
    inputs.push(text);
  }
  const out = new Uint8Array(96);
  const times: number[] = [];
  let sink = 0;
  for (let pass = 0; pass < passes; pass++) {
    const started = performance.now();
    for (const text of inputs) {
      for (let i = 0, o = 0; i < text.length; i += 4, o += 3) {
        const a = PACE_VALUES[text.charCodeAt(i)]!;
        const b = PACE_VALUES[text.charCodeAt(i + 1)]!;
        const c = PACE_VALUES[text.charCodeAt(i + 2)]!;
        const d = PACE_VALUES[text.charCodeAt(i + 3)]!;
        out[o] = (a << 2) | (b >> 4);
        out[o + 1] = ((b & 15) << 4) | (c >> 2);
        out[o + 2] = ((c & 3) << 6) | d;
      }
      sink += out[95]!;
    }
    times.push(performance.now() - started);
  }
  if (sink < 0) throw new Error('unreachable'); // keeps the loop's result alive
  times.sort((x, y) => x - y);
  return Math.round(times[Math.floor(times.length / 2)]! * 1000) / 1000;
}
