import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeRide as decodeFor, MAX_RECORD_BYTES, parseRecordData, RideRejection } from '../../lambda/ride/decode.js';
import type { RideContract } from '../../lambda/model/contract/index.js';
import { base64 } from '../support/events.js';
import { courseModel } from '../support/model.js';

let contract: RideContract;
beforeAll(async () => {
  contract = (await courseModel()).contract;
});

/** Decoding for the course model (`PU_DO` from the two location ids, and `trip_distance`). */
const decodeRide = (data: string) => decodeFor(data, contract);

const COURSE = '{"ride": {"PULocationID": 130, "DOLocationID": 205, "trip_distance": 3.66}, "ride_id": 256}';

function rejection(data: string): RideRejection {
  const result = decodeRide(data);
  if (!(result instanceof RideRejection)) throw new Error(`expected a rejection, got ${JSON.stringify(result)}`);
  return result;
}

function schemaReason(value: unknown): string {
  const result = rejection(base64(JSON.stringify(value)));
  expect(result.kind).toBe('schema');
  return result.reason;
}

describe('decodeRide', () => {
  it('decodes the course event', () => {
    expect(decodeRide(base64(COURSE))).toEqual({
      ride: { PULocationID: 130, DOLocationID: 205, trip_distance: 3.66 },
      ride_id: 256,
    });
  });

  it('ignores unknown extra fields and accepts string ride ids', () => {
    const event = decodeRide(base64(JSON.stringify({
      ride: { PULocationID: 1, DOLocationID: 2, trip_distance: 0, vendor: 'x' },
      ride_id: 'abc-1',
      extra: [1, 2, 3],
    })));
    expect(event).not.toBeInstanceOf(RideRejection);
    expect(event).toMatchObject({ ride_id: 'abc-1', ride: { trip_distance: 0 } });
  });

  it('accepts integral floats like 130.0 as integers and zero distance', () => {
    expect(decodeRide(base64('{"ride":{"PULocationID":130.0,"DOLocationID":205,"trip_distance":0},"ride_id":1}'))).not.toBeInstanceOf(
      RideRejection,
    );
  });

  describe('base64', () => {
    it.each([
      ['a length that is not a multiple of 4', 'abc', /length 3 is not a multiple of 4/],
      ['a character outside the alphabet', 'ab!d', /invalid character "!" at offset 2/],
      ['whitespace', 'ab d', /invalid character " "/],
      ['url-safe characters', 'ab-_', /invalid character "-"/],
      ['padding in the middle', 'a=bc', /misplaced "=" padding/],
      ['too much padding', 'a===', /misplaced "=" padding/],
      ['padding alone', '====', /misplaced "=" padding/],
      ['data after the padding', 'QQ==QUFB', /misplaced "=" padding/],
      ['a line break', 'QUF\nQUFB', /invalid character "\\n"/],
      ['a Latin-1 letter', 'QUF\u00c1', /invalid character "\u00c1"/],
      // Node's decoder reads the low byte of a two-byte character: U+0141 would decode as "A".
      ['a two-byte character whose low byte is a digit', 'QUF\u0141', /invalid character "\u0141"/],
    ])('rejects %s', (_, data, reason) => {
      const result = rejection(data);
      expect(result.kind).toBe('base64');
      expect(result.reason).toMatch(reason);
    });
  });

  describe('strict base64, checked by the decoded length (no regex on the valid path)', () => {
    /** The specification: the strict alphabet, at most two "=" at the end, a length multiple of 4. */
    const STRICT = /^[A-Za-z0-9+/]*={0,2}$/;
    const strict = (data: string) => data.length % 4 === 0 && STRICT.test(data);
    const refusedAsBase64 = (data: string) => {
      const result = parseRecordData(data);
      return result instanceof RideRejection && result.kind === 'base64';
    };

    function agrees(data: string): void {
      if (refusedAsBase64(data) === strict(data)) throw new Error(`disagrees with the regex on ${JSON.stringify(data)}`);
    }

    it('refuses exactly what the strict regex refuses, for every UTF-16 code unit anywhere in a group', () => {
      const templates = ['QUF?', '?UFB', 'Q?FB', 'QQ?=', 'Q?==', '??==', 'QUFB?A==', 'QUFBQQ?=', '?===', 'QUFBQUF?QUFB'];
      for (let unit = 0; unit <= 0xffff; unit++) {
        const c = String.fromCharCode(unit);
        for (const template of templates) agrees(template.replaceAll('?', c));
      }
    });

    it('agrees with the regex on generated text of base64 characters, padding and look-alikes', () => {
      const char = fc.constantFrom(...'AQgw+/=-_ \n\u00c1\u0141\u4141\ud800!'.split(''), 'a', 'Z', '9');
      fc.assert(fc.property(fc.array(char, { maxLength: 24 }), (chars) => agrees(chars.join(''))), { numRuns: 20_000 });
    });

    it('decodes the bytes Node decodes, record after record, through a larger record and back', () => {
      fc.assert(fc.property(fc.array(fc.oneof(fc.json(), fc.json().map((text) => `[${text}, "${'x'.repeat(70_000)}"]`))), (texts) => {
        for (const text of texts) expect(parseRecordData(base64(text))).toEqual(JSON.parse(text));
      }), { numRuns: 50 });
    });
  });

  it('rejects invalid UTF-8 instead of replacing it', () => {
    const bytes = Buffer.concat([Buffer.from('{"ride": "'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    const result = rejection(bytes.toString('base64'));
    expect(result).toEqual(new RideRejection('utf8', 'invalid UTF-8 in the decoded data'));
  });

  it.each([
    ['truncated JSON', COURSE.slice(0, 40)],
    ['empty data', ''],
    ['NaN literal', '{"ride": {"PULocationID": 1, "DOLocationID": 2, "trip_distance": NaN}, "ride_id": 1}'],
    ['a UTF-8 BOM', `\uFEFF${COURSE}`],
    ['Python repr', "{'ride': {'PULocationID': 130}}"],
  ])('rejects %s as invalid JSON', (_, text) => {
    const result = rejection(base64(text));
    expect(result.kind).toBe('json');
    expect(result.reason).toMatch(/^invalid JSON: /);
  });

  it('escapes the payload V8 quotes in its JSON error: no control sequence reaches a log or terminal', () => {
    const result = rejection(base64('\u001b[2Jx'));
    expect(result.kind).toBe('json');
    expect(result.reason).not.toMatch(/[\u0000-\u001f]/);
    expect(result.reason).toContain('\\u001b');
  });

  it('rejects data larger than a Kinesis record without decoding it', () => {
    const result = rejection('A'.repeat(4 * Math.ceil(MAX_RECORD_BYTES / 3) + 4));
    expect(result.kind).toBe('too-large');
  });

  describe('schema reasons name the field and the problem', () => {
    const valid = { PULocationID: 130, DOLocationID: 205, trip_distance: 3.66 };
    it.each([
      ['missing ride', { ride_id: 1 }, /^schema: ride: missing$/],
      ['ride not an object', { ride: [1, 2], ride_id: 1 }, /^schema: ride: expected an object$/],
      ['missing PULocationID', { ride: { DOLocationID: 1, trip_distance: 1 }, ride_id: 1 }, /^schema: ride\.PULocationID: missing$/],
      ['string PULocationID', { ride: { ...valid, PULocationID: '130' }, ride_id: 1 }, /ride\.PULocationID: expected an integer/],
      ['fractional DOLocationID', { ride: { ...valid, DOLocationID: 20.5 }, ride_id: 1 }, /ride\.DOLocationID: expected an integer/],
      ['unsafe integer PULocationID', { ride: { ...valid, PULocationID: 2 ** 60 }, ride_id: 1 }, /ride\.PULocationID/],
      ['negative distance', { ride: { ...valid, trip_distance: -1 }, ride_id: 1 }, /ride\.trip_distance: expected a finite number >= 0/],
      ['string distance', { ride: { ...valid, trip_distance: '3.66' }, ride_id: 1 }, /ride\.trip_distance: expected a finite number/],
      ['null distance', { ride: { ...valid, trip_distance: null }, ride_id: 1 }, /ride\.trip_distance: expected a finite number/],
      ['missing ride_id', { ride: valid }, /^schema: ride_id: missing$/],
      ['boolean ride_id', { ride: valid, ride_id: true }, /ride_id: expected an integer or a string/],
      ['empty ride_id', { ride: valid, ride_id: '' }, /ride_id: expected 1 to 256 characters \(it becomes the partition key\), got 0/],
      ['ride_id longer than a partition key', { ride: valid, ride_id: 'x'.repeat(257) }, /ride_id: expected 1 to 256 characters/],
      ['fractional ride_id', { ride: valid, ride_id: 1.5 }, /ride_id/],
      ['ride_id with a control character', { ride: valid, ride_id: 'a\nb' }, /ride_id: expected no control characters/],
      ['ride_id with a lone surrogate', { ride: valid, ride_id: 'a\ud800' }, /ride_id: expected well-formed Unicode/],
      ['top-level array', [1], /^schema: \(root\): expected an object$/],
      ['top-level null', null, /^schema: \(root\): expected an object$/],
    ])('%s', (_, value, reason) => {
      expect(schemaReason(value)).toMatch(reason);
    });

    it('lists several problems at once', () => {
      expect(schemaReason({ ride: { PULocationID: 'a', DOLocationID: 'b', trip_distance: -1 } })).toBe(
        'schema: ride_id: missing; ride.PULocationID: expected an integer; ride.DOLocationID: expected an integer; ride.trip_distance: expected a finite number >= 0',
      );
    });

    it('rejects an overflowing number (1e999 parses as Infinity)', () => {
      const result = rejection(base64('{"ride": {"PULocationID": 1, "DOLocationID": 2, "trip_distance": 1e999}, "ride_id": 1}'));
      expect(result.reason).toMatch(/ride\.trip_distance: expected a finite number/);
    });
  });

  describe('prototype keys', () => {
    it('never takes a field from a __proto__ key', () => {
      const text = '{"ride": {"__proto__": {"PULocationID": 1, "DOLocationID": 2, "trip_distance": 3}}, "ride_id": 1}';
      expect(rejection(base64(text)).reason).toMatch(/ride\.PULocationID/);
      const top = '{"__proto__": {"ride": {"PULocationID": 1, "DOLocationID": 2, "trip_distance": 3}, "ride_id": 1}}';
      expect(rejection(base64(top)).reason).toBe('schema: ride: missing; ride_id: missing');
    });

    it('ignores __proto__ and constructor as extra fields and pollutes nothing', () => {
      const text = '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}, "ride": {"PULocationID": 1, "DOLocationID": 2, "trip_distance": 3, "__proto__": {"x": 1}}, "ride_id": 7}';
      const event = decodeRide(base64(text));
      expect(event).not.toBeInstanceOf(RideRejection);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.getPrototypeOf(event)).toBe(Object.prototype);
    });
  });

  it('refuses deep nesting before parsing it (JSON.parse is superlinear in depth)', () => {
    const depth = 500_000;
    const started = performance.now();
    const result = rejection(base64(`{"ride": ${'['.repeat(depth)}${']'.repeat(depth)}, "ride_id": 1}`));
    expect(result).toEqual(new RideRejection('too-deep', 'too deep: JSON nested more than 64 levels'));
    expect(performance.now() - started).toBeLessThan(2_000); // a parse would take seconds; generous for a loaded CI
  });

  it('accepts nesting up to the limit in ignored extra fields, and ignores brackets inside strings', () => {
    const extra = `${'['.repeat(63)}${']'.repeat(63)}`;
    expect(decodeRide(base64(`{"ride": {"PULocationID": 1, "DOLocationID": 2, "trip_distance": 3}, "ride_id": 1, "x": ${extra}}`))).not.toBeInstanceOf(RideRejection);
    expect(decodeRide(base64(`{"ride": {"PULocationID": 1, "DOLocationID": 2, "trip_distance": 3}, "ride_id": "[[[", "s": "${'['.repeat(100)}\\\"${'{'.repeat(100)}"}`))).not.toBeInstanceOf(RideRejection);
    expect(rejection(base64(`{"x": ${'['.repeat(64)}${']'.repeat(64)}}`)).kind).toBe('too-deep');
  });
});
