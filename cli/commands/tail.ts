import { Command } from 'commander';

/** The `tail` command (in progress). */
export function tailCommand(): Command {
  return new Command('tail').description('(not yet available)');
}
