#!/usr/bin/env node
/**
 * `ride-duration`: one commander program; each command lives in `cli/commands/<name>.ts`. Only the
 * command being run is imported (with its dependencies): `--help` lists every command from the
 * one-line summaries below without loading any of them. To add a command: one `lazy(…)` line.
 *
 * Exit codes: 0 done, 1 failure (bad input file, unreachable service, model refused), 2 usage error
 * (unknown command or option, missing or bad flag value), 130/143 interrupted by SIGINT/SIGTERM.
 */
import { Command, CommanderError } from 'commander';

import { errorLine, EXIT_USAGE, exitCodeOf } from './errors.js';
import { install as installInterruptHandlers } from './interrupt.js';
import { lazyCommand, loadRequested, type LazyCommand } from './lazy.js';

const COMMANDS: readonly LazyCommand[] = [
  lazyCommand('score', 'Score a ride file (parquet, CSV, JSON lines) into CSV or parquet.', async () => (await import('./commands/score.js')).scoreCommand),
  lazyCommand('invoke', 'Run the real Lambda handler locally on a Kinesis event file; print the result as JSON.', async () => (await import('./commands/invoke.js')).invokeCommand),
  lazyCommand('events', 'Build a Kinesis event JSON file from rides, optionally with poison records.', async () => (await import('./commands/events.js')).eventsCommand),
  lazyCommand('produce', 'Put ride events (course input shape) on a Kinesis stream.', async () => (await import('./commands/produce.js')).produceCommand),
  lazyCommand('tail', 'Print the records of a Kinesis stream as JSON lines, from all shards.', async () => (await import('./commands/tail.js')).tailCommand),
  lazyCommand('serve', 'Serve the model over HTTP as the course web service (POST /predict).', async () => (await import('./commands/serve.js')).serveCommand),
  lazyCommand('train', 'Train the course model in TypeScript and write a native JSON model artifact.', async () => (await import('./commands/train.js')).trainCommand),
  lazyCommand('compare', 'Compare two or more models against actual ride durations (RMSE, MAE).', async () => (await import('./commands/compare.js')).compareCommand),
];

// The AWS SDK warns on every run that its 2027 releases will need Node 22; the CLI's output (stderr
// is its report channel) should not carry that on each command. Set the variable to "false" to see it.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

// From the first moment: a signal during start-up or model loading also exits 130/143 with its line.
installInterruptHandlers();
// A reader that stopped reading (`ride-duration tail … | head`) ends the command quietly, as in any
// Unix tool, instead of an unhandled EPIPE with a stack.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(0);
});

const program = new Command()
  .name('ride-duration')
  .description('Score NYC taxi ride durations with scikit-learn models, locally or on AWS Lambda.')
  // A usage error is one line and a hint, not the whole help.
  .showHelpAfterError('(add --help for usage)')
  // Usage errors in the one error style, and thrown (not process.exit) so that the exit code is ours.
  .configureOutput({ outputError: (text, write) => write(`ride-duration: ${text.replace(/^error: /, '')}`) })
  .exitOverride()
  .addHelpText(
    'after',
    `
Exit codes: 0 done; 1 failure (unreadable input, unreachable service, model refused, empty input);
2 usage error (unknown command or option, missing or bad flag value); 130 interrupted (Ctrl-C), 143 SIGTERM.
Errors print one line, "ride-duration: <message>"; DEBUG=1 adds the stack.`,
  );

try {
  await loadRequested(program, COMMANDS, process.argv.slice(2));
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Help and version are "errors" to commander; usage errors were already printed by it.
    process.exitCode = error.exitCode === 0 ? 0 : EXIT_USAGE;
  } else {
    process.stderr.write(`${errorLine(error)}\n`);
    if (process.env['DEBUG'] && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    process.exitCode = exitCodeOf(error);
  }
}
