#!/usr/bin/env node
/**
 * `ride-duration`: one commander program; each command lives in `cli/commands/<name>.ts` and is
 * registered here, so `--help` lists them all.
 */
import { Command } from 'commander';

const program = new Command()
  .name('ride-duration')
  .description('Score NYC taxi ride durations with scikit-learn models, locally or on AWS Lambda.')
  .showHelpAfterError();

// Commands register themselves on the program (one line per command file).

await program.parseAsync(process.argv);
