import { Command } from 'commander';

/** The `invoke` command (in progress). */
export function invokeCommand(): Command {
  return new Command('invoke').description('(not yet available)');
}
