/**
 * The deployable bundle, built as the CDK stack builds it.
 *
 * `cdk/stream-scoring.ts` hands these options to `NodejsFunction` (local esbuild, no Docker), which
 * runs `esbuild --bundle lambda/handler.ts --target=node24 --platform=node --format=esm
 * --outfile=index.mjs --minify --sourcemap --sources-content=false --main-fields=module,main
 * --banner:js=<require shim>` from the project root. The target and the entry are imported from
 * `cdk/`; the remaining options are not exported there, so they are mirrored here, and
 * {@link synthesizeCdkBundle} (`npm run bench -- --verify-bundle`) builds the bundle through the
 * real construct to check that both are byte-identical.
 */
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { HANDLER_ENTRY } from '../cdk/stack.js';
import { BUNDLE_TARGET } from '../cdk/stream-scoring.js';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Mirrors `ESM_REQUIRE_SHIM` in cdk/stream-scoring.ts (not exported there). */
const ESM_REQUIRE_SHIM =
  "import { createRequire as __rdsCreateRequire } from 'node:module'; const require = __rdsCreateRequire(import.meta.url);";

/** The file name `NodejsFunction` gives an ESM bundle. */
export const BUNDLE_FILE = 'index.mjs';

export interface BuiltBundle {
  readonly directory: string;
  /** `<directory>/index.mjs`. */
  readonly file: string;
  readonly bytes: number;
  readonly mapBytes: number;
  readonly buildMs: number;
  /** Removes the directory. */
  remove(): Promise<void>;
}

async function describeBundle(directory: string, file: string, buildMs: number): Promise<BuiltBundle> {
  const [code, map] = await Promise.all([stat(file), stat(`${file}.map`)]);
  return {
    directory,
    file,
    bytes: code.size,
    mapBytes: map.size,
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
 * console.log(bundle.bytes); // the deployable index.mjs, without its source map
 * await bundle.remove();
 * ```
 */
export async function buildHandlerBundle(): Promise<BuiltBundle> {
  const directory = await mkdtemp(join(tmpdir(), 'ride-bench-bundle-'));
  const file = join(directory, BUNDLE_FILE);
  const started = performance.now();
  await build({
    absWorkingDir: REPO_ROOT,
    entryPoints: [relative(REPO_ROOT, HANDLER_ENTRY)],
    bundle: true,
    target: BUNDLE_TARGET,
    platform: 'node',
    format: 'esm',
    outfile: file,
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    mainFields: ['module', 'main'],
    banner: { js: ESM_REQUIRE_SHIM },
    logLevel: 'silent',
  });
  return describeBundle(directory, file, performance.now() - started);
}

/**
 * Builds the bundle through the real CDK construct (`StreamScoring` in a bare stack, synthesized)
 * and returns the asset's `index.mjs`. Slow (CDK synth: tens of seconds on this machine).
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
    const file = join(directory, entry.name, BUNDLE_FILE);
    if ((await stat(file).catch(() => undefined)) !== undefined) {
      return describeBundle(directory, file, performance.now() - started);
    }
  }
  await rm(directory, { recursive: true, force: true });
  throw new Error('CDK synth produced no index.mjs asset');
}

/** True when both bundles' code is byte-identical. */
export async function sameBundleCode(a: BuiltBundle, b: BuiltBundle): Promise<boolean> {
  const [x, y] = await Promise.all([readFile(a.file), readFile(b.file)]);
  return x.equals(y);
}
