import { Command } from 'commander';

/** The `produce` command (in progress). */
export function produceCommand(): Command {
  return new Command('produce').description('(not yet available)');
}
