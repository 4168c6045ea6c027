/**
 * cli/interrupt.ts' stopOnSignals, in process: the first signal aborts every run stopping itself,
 * with the exit code of the signal, and a disposed run hears nothing. (The second signal's forced
 * exit, and the whole path with real signals, are in score-signals.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { CliError } from '../../cli/errors.js';
import { stopOnSignals } from '../../cli/interrupt.js';

describe('stopOnSignals', () => {
  it('aborts every run that stops itself on the first signal, and none after dispose', () => {
    const disposed = stopOnSignals();
    disposed.dispose();
    const [a, b] = [stopOnSignals(), stopOnSignals()];
    try {
      process.emit('SIGTERM');
      for (const run of [a, b]) {
        expect(run.stopped()).toBe('SIGTERM');
        expect(run.signal.aborted).toBe(true);
        expect(run.signal.reason).toBeInstanceOf(CliError);
        expect(run.signal.reason).toMatchObject({ message: 'interrupted by SIGTERM', exitCode: 143 });
      }
      expect(disposed.signal.aborted).toBe(false);
      expect(disposed.stopped()).toBeUndefined();
    } finally {
      a.dispose();
      b.dispose();
    }
  });
});
