/**
 * The deployable bundle, taken from a CDK synth of the real construct (`StreamScoring` in a bare
 * stack): exactly the file `NodejsFunction` ships.
 */
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUNDLE_ENTRY_FILE, HANDLER_ENTRY, REPO_ROOT } from '../cdk/handler-bundle.js';

export { REPO_ROOT };

export interface BuiltBundle {
  /** `<asset>/index.mjs`, the function's entry. */
  readonly file: string;
  /** Bytes of the code that deploys. */
  readonly bytes: number;
  /** Synth time, bundling included. */
  readonly buildMs: number;
  /** Removes the cloud assembly. */
  remove(): Promise<void>;
}

/**
 * Synthesizes `StreamScoring` in a bare stack and returns its function's asset.
 *
 * @example
 * ```ts
 * const bundle = await synthesizeCdkBundle();
 * console.log(bundle.bytes);
 * await bundle.remove();
 * ```
 */
export async function synthesizeCdkBundle(): Promise<BuiltBundle> {
  const [{ App, Stack }, { Stream }, { StreamScoring }] = await Promise.all([
    import('aws-cdk-lib'),
    import('aws-cdk-lib/aws-kinesis'),
    import('../cdk/stream-scoring.js'),
  ]);
  const directory = await mkdtemp(join(tmpdir(), 'ride-bench-cdk-'));
  const remove = (): Promise<void> => rm(directory, { recursive: true, force: true });
  const started = performance.now();
  const app = new App({ outdir: directory });
  const stack = new Stack(app, 'BenchBundle');
  new StreamScoring(stack, 'Scoring', { inputStream: new Stream(stack, 'Input'), entry: HANDLER_ENTRY, environment: {} });
  app.synth();
  const buildMs = performance.now() - started;
  for (const entry of await readdir(directory, { withFileTypes: true })) {
    if (!entry.isDirectory() || !entry.name.startsWith('asset.')) continue;
    const file = join(directory, entry.name, BUNDLE_ENTRY_FILE);
    const info = await stat(file).catch(() => undefined);
    if (info !== undefined) return { file, bytes: info.size, buildMs, remove };
  }
  await remove();
  throw new Error(`CDK synth produced no ${BUNDLE_ENTRY_FILE} asset`);
}
