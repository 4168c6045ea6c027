/**
 * The handler benchmark's loop alone, for profiling:
 *
 * ```sh
 * node --import tsx --cpu-prof --cpu-prof-dir=/tmp/prof bench/hot-loop.ts model-artifacts/lin_reg.bin 200
 * npx tsx bench/profile-summary.ts /tmp/prof/CPU.*.cpuprofile
 * ```
 */
import { measureHandlerThroughput } from './handler-throughput.js';
import { kinesisEvent, rideInputs } from './rides.js';

const model = process.argv[2] ?? 'model-artifacts/lin_reg.bin';
const runs = Number(process.argv[3] ?? 200);
const { inputs } = await rideInputs(10_000);
const result = await measureHandlerThroughput({ model, event: kinesisEvent(inputs), warmupRuns: 5, runs });
console.log(`${model}: ${Math.round(result.recordsPerSecond).toLocaleString('en-US')} records/s (median of ${runs}), ${Math.round(result.recordsPerCpuSecond).toLocaleString('en-US')} per CPU-s`);
