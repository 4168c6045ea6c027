/**
 * Writes the deployable bundle (the stack's esbuild options) and two events into a directory, for
 * profiling a cold start by hand:
 *
 * ```sh
 * npx tsx bench/build-bundle.ts /tmp/ride-bundle
 * env -i PATH=$PATH AWS_LAMBDA_FUNCTION_NAME=bench AWS_REGION=us-east-1 TEST_RUN=True \
 *   MODEL_LOCATION=$PWD/model-artifacts/lin_reg.bin \
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof bench/lambda-child.mjs /tmp/ride-bundle/index.mjs /tmp/ride-bundle/first.json 3>&1 >/dev/null
 * npx tsx bench/profile-summary.ts /tmp/prof/CPU.*.cpuprofile --map /tmp/ride-bundle/index.mjs.map --by package
 * ```
 */
import { cp, mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { buildHandlerBundle } from './bundle.js';
import { writeEventFile } from './lambda-process.js';
import { kinesisEvent, rideInputs } from './rides.js';

const directory = resolve(process.argv[2] ?? '/tmp/ride-bundle');
await mkdir(directory, { recursive: true });
// With source maps (unlike the deployed bundle) so that profiles map back to the sources.
const bundle = await buildHandlerBundle({ sourceMap: true });
try {
  await cp(bundle.directory, directory, { recursive: true });
} finally {
  await bundle.remove();
}
const { inputs } = await rideInputs(10_000);
await writeEventFile(directory, 'first.json', kinesisEvent(inputs.slice(0, 1)));
await writeEventFile(directory, 'big.json', kinesisEvent(inputs));
const files = Object.entries(bundle.files).map(([name, bytes]) => `${name} ${bytes.toLocaleString('en-US')}`).join(', ');
console.log(`${directory}/index.mjs: ${bundle.bytes.toLocaleString('en-US')} bytes in all, ${bundle.coldPathBytes.toLocaleString('en-US')} on the cold path (${files}); events first.json (1 ride), big.json (10,000 rides)`);
