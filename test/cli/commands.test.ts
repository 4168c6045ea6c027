/**
 * The commander wiring of each command, in-process: argv → options → run, help text, and
 * option values refused before anything runs.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KinesisStreamEvent } from 'aws-lambda';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { eventsCommand } from '../../cli/commands/events.js';
import { invokeCommand } from '../../cli/commands/invoke.js';
import { produceCommand } from '../../cli/commands/produce.js';
import { scoreCommand } from '../../cli/commands/score.js';
import { tailCommand } from '../../cli/commands/tail.js';
import type { CliIO } from '../../cli/io.js';
import { memoryIO, repoPath } from './support.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'commands-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const FACTORIES: Array<[string, (io: CliIO) => Command]> = [
  ['score', scoreCommand],
  ['invoke', invokeCommand],
  ['events', eventsCommand],
  ['produce', produceCommand],
  ['tail', tailCommand],
];

/** Parses user arguments; commander errors throw instead of exiting. */
async function run(factory: (io: CliIO) => Command, args: string[], io: CliIO = memoryIO()): Promise<string> {
  let errors = '';
  const command = factory(io)
    .exitOverride()
    .configureOutput({ writeErr: (text) => (errors += text), writeOut: () => undefined });
  await command.parseAsync(args, { from: 'user' });
  return errors;
}

describe('commands', () => {
  it.each(FACTORIES)('%s has a description, --help and examples', (name, factory) => {
    const help = factory(memoryIO()).helpInformation();
    expect(help).toContain(`Usage: ${name} [options]`);
    expect(help).toMatch(/-h, --help/);
    expect(factory(memoryIO()).description().length).toBeGreaterThan(20);
  });

  it('score: -i -o -n map to the run', async () => {
    const output = join(dir, 'out.csv');
    await run(scoreCommand, ['-i', repoPath('test/fixtures/rides/sample.csv'), '-o', output, '-n', '2', '--layout', 'features']);
    expect(readFileSync(output, 'utf8').trimEnd().split('\n')).toHaveLength(3);
  });

  it('invoke: --event prints the JSON result', async () => {
    const io = memoryIO();
    await run(invokeCommand, ['--event', repoPath('events/kinesis-single-ride.json')], io);
    expect((JSON.parse(io.out()) as { predictions: unknown[] }).predictions).toHaveLength(1);
  });

  it('events: --poison --seed --id-column --arrival-time --region --stream reach the builder', async () => {
    const io = memoryIO();
    await run(
      eventsCommand,
      ['-i', repoPath('test/fixtures/rides/sample.csv'), '-n', '6', '--poison', '0.5', '--seed', '2', '--id-column', 'VendorID',
        '--arrival-time', '2021-02-01T00:00:00Z', '--region', 'eu-west-1', '--stream', 'rides'],
      io,
    );
    const event = JSON.parse(io.out()) as KinesisStreamEvent;
    expect(event.Records).toHaveLength(6);
    expect(event.Records[0]?.eventSourceARN).toBe('arn:aws:kinesis:eu-west-1:123456789012:stream/rides');
    expect(event.Records[0]?.kinesis.approximateArrivalTimestamp).toBe(1612137600);
    const keys = event.Records.map((r) => r.kinesis.partitionKey);
    expect(keys.some((k) => k.startsWith('poison-'))).toBe(true);
    expect(keys.filter((k) => !k.startsWith('poison-')).every((k) => k === '2' || k === '1')).toBe(true); // VendorID values
  });

  it.each([
    [produceCommand, ['-s', 'x', '-i', 'r.csv', '--count', 'abc'], /--count <n>' argument 'abc' is invalid/],
    [produceCommand, ['-s', 'x', '-i', 'r.csv', '--rate', '0'], /--rate <n>' argument '0' is invalid/],
    [eventsCommand, ['-i', 'r.csv', '-n', '3', '--poison', '1.5'], /--poison <fraction>' argument '1.5' is invalid/],
    [tailCommand, ['-s', 'x', '--from', 'oldest'], /Allowed choices are trim-horizon, latest/],
    [scoreCommand, ['-i', 'r.csv'], /required option '-o, --output/],
    [invokeCommand, [], /required option '-e, --event/],
  ] as Array<[(io: CliIO) => Command, string[], RegExp]>)('refuses bad option values before running (%#)', async (factory, args, message) => {
    let written = '';
    const command = factory(memoryIO())
      .exitOverride()
      .configureOutput({ writeErr: (text) => (written += text), writeOut: () => undefined });
    await expect(command.parseAsync(args, { from: 'user' })).rejects.toMatchObject({ exitCode: 1 });
    expect(written).toMatch(message);
  });
});
