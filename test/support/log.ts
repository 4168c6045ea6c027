/**
 * A log sink that records entries, so tests can assert what was logged.
 */
import type { LogSink } from '../../lambda/log-sink.js';

export interface LogEntry {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields: Record<string, unknown>;
}

export class RecordingLog implements LogSink {
  readonly entries: LogEntry[] = [];

  private add(level: LogEntry['level'], message: string, extra: Array<Record<string, unknown>>): void {
    this.entries.push({ level, message, fields: Object.assign({}, ...extra) as Record<string, unknown> });
  }

  debug(message: string, ...extra: Array<Record<string, unknown>>): void {
    this.add('debug', message, extra);
  }
  info(message: string, ...extra: Array<Record<string, unknown>>): void {
    this.add('info', message, extra);
  }
  warn(message: string, ...extra: Array<Record<string, unknown>>): void {
    this.add('warn', message, extra);
  }
  error(message: string, ...extra: Array<Record<string, unknown>>): void {
    this.add('error', message, extra);
  }

  at(level: LogEntry['level']): LogEntry[] {
    return this.entries.filter((entry) => entry.level === level);
  }
}
