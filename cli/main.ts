#!/usr/bin/env node
/**
 * `ride-duration`: one commander program; each command lives in `cli/commands/<name>.ts` and is
 * added here, so `--help` lists them all. To add a command: import its factory, add it to COMMANDS.
 */
import { Command } from 'commander';

import { CliError } from './errors.js';
import { compareCommand } from './commands/compare.js';
import { eventsCommand } from './commands/events.js';
import { invokeCommand } from './commands/invoke.js';
import { produceCommand } from './commands/produce.js';
import { scoreCommand } from './commands/score.js';
import { serveCommand } from './commands/serve.js';
import { tailCommand } from './commands/tail.js';
import { trainCommand } from './commands/train.js';

const COMMANDS: ReadonlyArray<() => Command> = [
  scoreCommand,
  invokeCommand,
  eventsCommand,
  produceCommand,
  tailCommand,
  serveCommand,
  trainCommand,
  compareCommand,
];

// The AWS SDK warns on every run that its 2027 releases will need Node 22; the CLI's output (stderr
// is its report channel) should not carry that on each command. Set the variable to "false" to see it.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

const program = new Command()
  .name('ride-duration')
  .description('Score NYC taxi ride durations with scikit-learn models, locally or on AWS Lambda.')
  .showHelpAfterError();
for (const command of COMMANDS) program.addCommand(command().showHelpAfterError());

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // Expected failures (bad input, unreachable service) are one line; a stack only with DEBUG set.
  const message = error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : String(error);
  process.stderr.write(`ride-duration: ${message}\n`);
  if (process.env['DEBUG'] && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  process.exitCode = error instanceof CliError ? error.exitCode : 1;
}
