/**
 * Where a command writes: the process's streams in the CLI, string collectors in tests. Commands
 * take a {@link CliIO} instead of touching `process.stdout` so each runs in-process in tests.
 */

/** The one method of a stream the commands use. */
export interface TextSink {
  write(text: string): unknown;
  /** True on an interactive terminal (progress bars only then). */
  readonly isTTY?: boolean;
}

/** A command's output channels: results on stdout, everything for people on stderr. */
export interface CliIO {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
}

/** The process's own streams. */
export const processIO: CliIO = { stdout: process.stdout, stderr: process.stderr };

/** Writes one line to stderr. */
export function note(io: CliIO, line: string): void {
  io.stderr.write(`${line}\n`);
}
