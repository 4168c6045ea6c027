/**
 * The command line as one esbuild bundle in a temporary folder, so batch figures measure the
 * program rather than tsx's run-time compilation (`score` as an installed tool would run).
 *
 * ```sh
 * npx tsx bench/cli-bundle.ts /tmp/ride-cli   # writes /tmp/ride-cli/main.mjs (+ .map)
 * ```
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export interface CliBundle {
  /** The bundle's entry: `node <file> score …`. */
  readonly file: string;
  remove(): Promise<void>;
}

/** Bundles `cli/main.ts` (ESM, Node 20, source map) into `directory` or a new temporary folder. */
export async function buildCliBundle(directory?: string): Promise<CliBundle> {
  const dir = directory ?? (await mkdtemp(join(tmpdir(), 'ride-cli-')));
  const file = join(dir, 'main.mjs');
  await build({
    entryPoints: [fileURLToPath(new URL('../cli/main.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: file,
    sourcemap: true,
    logLevel: 'warning',
    // CommonJS dependencies (the AWS SDK) call require().
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  });
  return { file, remove: () => (directory === undefined ? rm(dir, { recursive: true, force: true }) : Promise.resolve()) };
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const bundle = await buildCliBundle(process.argv[2]);
  process.stdout.write(`${bundle.file}\n`);
}
