import { Command } from 'commander';

/** The `events` command (in progress). */
export function eventsCommand(): Command {
  return new Command('events').description('(not yet available)');
}
