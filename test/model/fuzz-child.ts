/**
 * The fuzz run over mutated real pickles, in a process of its own so that its peak RSS is its own:
 * fast-check mutates course and generated model files (bit flips, amplifying opcodes written over
 * bytes, slices repeated, bytes inserted) and every mutant must load or fail with a typed
 * `ModelLoadError` within the per-case bounds. Prints one JSON line: runs, failures, slowest case,
 * peak RSS. Run by `fuzz-pickles.test.ts`:
 *
 * ```sh
 * node --import tsx test/model/fuzz-child.ts <seed> <runs>
 * ```
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { ModelLoadError, loadModelFromBytes } from '../../lambda/model/index.js';
import { OP } from '../../lambda/model/pickle/index.js';
import { fixtures, repoRoot } from './support.js';

/** Per-case bounds: the hostile-file targets of issue 16. */
export const CASE_MAX_MS = 2_000;
export const CASE_MAX_RSS_MB = 300;

const BASES = [
  join(repoRoot, 'model-artifacts/lin_reg.bin'),
  join(fixtures, 'models/generated/rf.bin'),
  join(fixtures, 'models/generated/dtree-nodes64.bin'),
  join(fixtures, 'models/generated/linreg-proto2.bin'),
  join(fixtures, 'models/generated/ridge-numpy2.bin'),
].map((path) => new Uint8Array(readFileSync(path)));

/** Opcodes that reuse or copy what came before: the ones a hostile edit would write. */
const AMPLIFIERS = [
  OP.LONG_BINGET, OP.BINGET, OP.DUP, OP.APPENDS, OP.APPEND, OP.SETITEMS, OP.BUILD, OP.REDUCE, OP.TUPLE,
  OP.FROZENSET, OP.ADDITEMS, OP.LONG4, OP.LONG1, OP.MEMOIZE, OP.MARK, OP.NEWOBJ, OP.STACK_GLOBAL, OP.BYTEARRAY8,
];

type Mutation =
  | { readonly kind: 'flip'; readonly at: number; readonly bit: number }
  | { readonly kind: 'opcode'; readonly at: number; readonly op: number }
  | { readonly kind: 'repeat'; readonly from: number; readonly length: number; readonly times: number; readonly to: number }
  | { readonly kind: 'insert'; readonly at: number; readonly bytes: Uint8Array };

/** A position in the file as a fraction; unbiased (fast-check favours small values, the start of the file). */
const fraction = fc.noBias(fc.integer({ min: 0, max: 999_999 })).map((n) => n / 1_000_000);
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fraction, bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('opcode' as const), at: fraction, op: fc.constantFrom(...AMPLIFIERS) }),
  fc.record({ kind: fc.constant('repeat' as const), from: fraction, length: fc.integer({ min: 1, max: 64 }), times: fc.integer({ min: 1, max: 2_000 }), to: fraction }),
  fc.record({ kind: fc.constant('insert' as const), at: fraction, bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
);

function apply(base: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let bytes = base;
  const index = (f: number): number => Math.min(bytes.length - 1, Math.floor(f * bytes.length));
  for (const m of mutations) {
    if (m.kind === 'flip' || m.kind === 'opcode') {
      bytes = bytes.slice();
      const at = index(m.at);
      bytes[at] = m.kind === 'flip' ? (bytes[at] as number) ^ (1 << m.bit) : m.op;
    } else if (m.kind === 'repeat') {
      const from = index(m.from);
      const slice = bytes.subarray(from, from + m.length);
      const to = index(m.to);
      const parts = [bytes.subarray(0, to), ...Array.from({ length: m.times }, () => slice), bytes.subarray(to)];
      bytes = new Uint8Array(Buffer.concat(parts));
    } else {
      const at = index(m.at);
      bytes = new Uint8Array(Buffer.concat([bytes.subarray(0, at), m.bytes, bytes.subarray(at)]));
    }
  }
  return bytes;
}

const seed = Number(process.argv[2] ?? 1);
const numRuns = Number(process.argv[3] ?? 100);
let loaded = 0;
let refused = 0;
let slowest = 0;
let worstRssMb = 0;
const result = fc.check(
  fc.property(fc.integer({ min: 0, max: BASES.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), (base, mutations) => {
    const bytes = apply(BASES[base] as Uint8Array, mutations);
    // CPU time, not wall time: the machine is shared (see hostile-files.test.ts).
    const cpu = process.cpuUsage();
    try {
      loadModelFromBytes(bytes, { source: 'mutant.bin' });
      loaded++;
    } catch (err) {
      // Anything but the typed errors (TypeError, RangeError, a stack overflow) is a bug in the reader.
      if (!(err instanceof ModelLoadError)) throw err;
      refused++;
    }
    const { user, system } = process.cpuUsage(cpu);
    const ms = (user + system) / 1000;
    slowest = Math.max(slowest, ms);
    worstRssMb = Math.max(worstRssMb, process.resourceUsage().maxRSS / 1024);
    if (ms > CASE_MAX_MS) throw new Error(`a mutant took ${ms.toFixed(0)} ms of CPU (bound ${CASE_MAX_MS})`);
    if (worstRssMb > CASE_MAX_RSS_MB) throw new Error(`peak RSS reached ${worstRssMb.toFixed(0)} MB (bound ${CASE_MAX_RSS_MB})`);
  }),
  { seed, numRuns },
);
process.stdout.write(
  `${JSON.stringify({
    runs: result.numRuns,
    loaded,
    refused,
    slowestMs: Math.round(slowest),
    peakRssMb: Math.round(worstRssMb),
    failure: result.failed ? `${fc.defaultReportMessage(result) ?? 'failed'}`.slice(0, 3000) : null,
  })}\n`,
);
