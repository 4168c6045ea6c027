/**
 * The deployable bundle, built with the stack's own esbuild options (`cdk/handler-bundle.ts`): an
 * ESM entry `index.mjs` plus chunks. {@link synthesizeCdkBundle} (`npm run bench -- --verify-bundle`)
 * builds it through the real construct as well, to check that both are byte-identical.
 */
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { build } from 'esbuild';
import { BUNDLE_ENTRY_FILE, handlerBuildOptions, HANDLER_ENTRY, REPO_ROOT, staticImportClosure } from '../cdk/handler-bundle.js';

export { REPO_ROOT };

export interface BuiltBundle {
  readonly directory: string;
  /** `<directory>/index.mjs`, the function's entry. */
  readonly file: string;
  /** All code files that deploy (entry + chunks). */
  readonly bytes: number;
  /** The entry and the chunks it imports statically: what a cold start compiles before the handler runs. */
  readonly coldPathBytes: number;
  /** Each code file's size, by path relative to the directory. */
  readonly files: Readonly<Record<string, number>>;
  readonly buildMs: number;
  /** Removes the directory. */
  remove(): Promise<void>;
}

async function codeFiles(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.mjs'))
    .map((entry) => relative(directory, join(entry.parentPath, entry.name)))
    .sort();
}

async function describeBundle(directory: string, buildMs: number): Promise<BuiltBundle> {
  const names = await codeFiles(directory);
  const sizes: Record<string, number> = {};
  for (const name of names) sizes[name] = (await stat(join(directory, name))).size;
  const cold = staticImportClosure(directory, BUNDLE_ENTRY_FILE);
  const sum = (list: Iterable<string>): number => [...list].reduce((total, name) => total + (sizes[name] ?? 0), 0);
  return {
    directory,
    file: join(directory, BUNDLE_ENTRY_FILE),
    bytes: sum(names),
    coldPathBytes: sum(cold),
    files: sizes,
    buildMs,
    remove: () => rm(directory, { recursive: true, force: true }),
  };
}

/**
 * Builds the handler bundle into a fresh temporary directory with the stack's esbuild options.
 *
 * @example
 * ```ts
 * const bundle = await buildHandlerBundle();
 * console.log(bundle.bytes, bundle.coldPathBytes);
 * await bundle.remove();
 * ```
 */
export async function buildHandlerBundle(options: { readonly sourceMap?: boolean } = {}): Promise<BuiltBundle> {
  const directory = await mkdtemp(join(tmpdir(), 'ride-bench-bundle-'));
  const started = performance.now();
  await build({ ...handlerBuildOptions(directory, options), logLevel: 'silent' });
  return describeBundle(directory, performance.now() - started);
}

/**
 * Builds the bundle through the real CDK construct (`StreamScoring` in a bare stack, synthesized)
 * and returns the asset. Slow (CDK synth: tens of seconds on this machine).
 */
export async function synthesizeCdkBundle(): Promise<BuiltBundle> {
  const [{ App, Stack }, { Stream }, { StreamScoring }] = await Promise.all([
    import('aws-cdk-lib'),
    import('aws-cdk-lib/aws-kinesis'),
    import('../cdk/stream-scoring.js'),
  ]);
  const directory = await mkdtemp(join(tmpdir(), 'ride-bench-cdk-'));
  const started = performance.now();
  const app = new App({ outdir: directory });
  const stack = new Stack(app, 'BenchBundle');
  new StreamScoring(stack, 'Scoring', { inputStream: new Stream(stack, 'Input'), entry: HANDLER_ENTRY, environment: {} });
  app.synth();
  for (const entry of await readdir(directory, { withFileTypes: true })) {
    if (!entry.isDirectory() || !entry.name.startsWith('asset.')) continue;
    const asset = join(directory, entry.name);
    if ((await stat(join(asset, BUNDLE_ENTRY_FILE)).catch(() => undefined)) !== undefined) {
      const built = await describeBundle(asset, performance.now() - started);
      return { ...built, remove: () => rm(directory, { recursive: true, force: true }) };
    }
  }
  await rm(directory, { recursive: true, force: true });
  throw new Error(`CDK synth produced no ${BUNDLE_ENTRY_FILE} asset`);
}

/** True when both bundles hold the same files with byte-identical code. */
export async function sameBundleCode(a: BuiltBundle, b: BuiltBundle): Promise<boolean> {
  const names = Object.keys(a.files);
  if (names.join('\n') !== Object.keys(b.files).join('\n')) return false;
  for (const name of names) {
    const [x, y] = await Promise.all([readFile(join(a.directory, name)), readFile(join(b.directory, name))]);
    if (!x.equals(y)) return false;
  }
  return true;
}
