/**
 * Commands loaded on demand: `ride-duration --help` needs each command's name and one-line summary,
 * not its dependencies (the AWS SDK, parquet, Powertools), so only the command named on the command
 * line is imported; the others are listed from their summary.
 */
import { Command } from 'commander';

import type { CliIO } from './io.js';

/** A command's factory, as each `cli/commands/<name>.ts` exports it. */
export type CommandFactory = (io?: CliIO) => Command;

export interface LazyCommand {
  readonly name: string;
  /** The line `ride-duration --help` shows. */
  readonly summary: string;
  readonly load: () => Promise<CommandFactory>;
}

/**
 * A command known by name and summary, imported only when run.
 *
 * @example
 * lazyCommand('tail', 'Print the records of a stream.', async () => (await import('./commands/tail.js')).tailCommand);
 */
export function lazyCommand(name: string, summary: string, load: () => Promise<CommandFactory>): LazyCommand {
  return { name, summary, load };
}

/** The command the arguments name: the first word, or the one after `help`. */
export function requestedCommand(args: readonly string[]): string | undefined {
  const [first, second] = args;
  return first === 'help' ? second : first;
}

/**
 * Adds every command to `program`: the requested one for real (with the program's output and exit
 * settings), the others as summaries only.
 */
export async function loadRequested(program: Command, commands: readonly LazyCommand[], args: readonly string[]): Promise<void> {
  const requested = requestedCommand(args);
  for (const entry of commands) {
    const command = entry.name === requested ? (await entry.load())() : new Command(entry.name);
    program.addCommand(command.copyInheritedSettings(program).summary(entry.summary));
  }
}
