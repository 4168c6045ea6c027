/**
 * Builds what the bin (`ride-duration`) and `npm start` run into `dist/`, with esbuild: one ESM
 * bundle per entry, split into chunks so that each command's dependencies load only when it runs.
 * `npm ci` runs it (the `prepare` script); the launchers (`bin/*.js`) run it again when a source
 * changed after the last build.
 *
 * ```sh
 * node scripts/build.mjs   # or: npm run build
 * ```
 */
import { rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

import { DIST, ROOT, STAMP } from './build-stamp.mjs';

/** Output name (in `dist/`) → source entry. */
export const ENTRIES = { 'ride-duration': 'cli/main.ts', start: 'local/start.ts' };

/**
 * Every output file sits directly in `dist/`, one level below the root like the sources' own
 * folders. A source's `import.meta.url` is rewritten to its own file's URL (relative to the chunk,
 * so that the repository can move): `new URL('../model-artifacts/…', import.meta.url)` keeps
 * pointing where it did.
 */
const sourceUrls = {
  name: 'source-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      const fromDist = `../${relative(ROOT, args.path).split('\\').join('/')}`;
      const contents = text.replaceAll('import.meta.url', `new URL(${JSON.stringify(fromDist)}, import.meta.url).href`);
      return { contents, loader: 'ts' };
    });
  },
};

/**
 * commander's `require('node:child_process')` (for executable subcommands, which this CLI has none
 * of) resolves to a module that loads the real one on first use: see
 * scripts/shims/child-process-on-use.cjs. Every other importer gets Node's own.
 */
const childProcessOnUse = {
  name: 'commander-child-process-on-use',
  setup(build) {
    const shim = fileURLToPath(new URL('./shims/child-process-on-use.cjs', import.meta.url));
    build.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      /[\\/]node_modules[\\/]commander[\\/]/.test(args.importer) ? { path: shim } : undefined,
    );
  },
};

/** Builds `dist/` and writes its stamp; returns the build's duration in ms. */
export async function build() {
  const startedAt = Date.now();
  rmSync(DIST, { recursive: true, force: true });
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: ENTRIES,
    outdir: DIST,
    entryNames: '[name]',
    chunkNames: '[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
    plugins: [sourceUrls, childProcessOnUse],
    // The CommonJS dependencies bundled into ESM call require() for Node's built-ins.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  });
  // What the output depends on: our sources (esbuild's own list), the dependencies' versions, and
  // this script's options and plugins.
  const sources = Object.keys(result.metafile.inputs).filter((input) => !input.startsWith('node_modules/'));
  const inputs = [...sources, 'package-lock.json', 'scripts/build.mjs'];
  writeFileSync(STAMP, `${JSON.stringify({ startedAt, inputs }, null, 1)}\n`);
  return Date.now() - startedAt;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const ms = await build();
  process.stderr.write(`built dist/ (${Object.keys(ENTRIES).join(', ')}) in ${ms} ms\n`);
}
