import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PairHandles, puDo, rideFeatures } from '../../lambda/ride/features.js';

describe('rideFeatures', () => {
  it('builds the course features exactly', () => {
    expect(rideFeatures({ PULocationID: 130, DOLocationID: 205, trip_distance: 3.66 })).toStrictEqual({
      PU_DO: '130_205',
      trip_distance: 3.66,
    });
  });

  it('keeps the distance as given and joins ids without padding', () => {
    const features = rideFeatures({ PULocationID: 7, DOLocationID: 65, trip_distance: 0 });
    expect(features).toStrictEqual({ PU_DO: '7_65', trip_distance: 0 });
    expect(Object.keys(features)).toEqual(['PU_DO', 'trip_distance']);
  });

  it('caches PU_DO strings without ever mixing up pairs (integers, -0, fractions, negatives, huge)', () => {
    const location = fc.oneof(
      fc.integer({ min: 0, max: 300 }),
      fc.integer({ min: 16_000, max: 17_000 }),
      fc.integer(),
      fc.double({ noNaN: true }),
      fc.constantFrom(-0, 0.5, 16_384, 2 ** 53 - 1, -(2 ** 53) + 1),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(location, location), { maxLength: 20 }), (pairs) => {
        for (const [pickup, dropoff] of pairs) expect(puDo(pickup, dropoff)).toBe(`${pickup}_${dropoff}`);
      }),
      { numRuns: 2_000 },
    );
    expect(puDo(130, 205)).toBe(puDo(130, 205));
  });
});

describe('PairHandles', () => {
  it('asks once per cached pair, with the pair\'s PU_DO text, and every time for the uncached ones', () => {
    const asked: string[] = [];
    const handles = new PairHandles((text) => {
      asked.push(text);
      return asked.length;
    });
    expect(handles.get(130, 205)).toBe(1);
    expect(handles.get(130, 205)).toBe(1);
    expect(handles.get(205, 130)).toBe(2);
    expect(handles.get(-0, 7)).toBe(3);
    expect(handles.get(0, 7)).toBe(3); // -0 and 0 have the same text
    expect(handles.get(1.5, 7)).toBe(4);
    expect(handles.get(1.5, 7)).toBe(5); // fractions are not cached
    expect(handles.get(16_384, 1)).toBe(6);
    expect(handles.get(16_384, 1)).toBe(7); // nor ids from 2^14 on
    expect(asked).toEqual(['130_205', '205_130', '0_7', '1.5_7', '1.5_7', '16384_1', '16384_1']);
  });

  it('never mixes up pairs (the handle of a pair is the one of its text)', () => {
    const location = fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 16_000, max: 17_000 }), fc.integer(), fc.double({ noNaN: true }));
    // One distinct handle per distinct text.
    const ids = new Map<string, number>();
    const idOf = (text: string): number => {
      if (!ids.has(text)) ids.set(text, ids.size);
      return ids.get(text)!;
    };
    const handles = new PairHandles(idOf);
    fc.assert(
      fc.property(fc.array(fc.tuple(location, location), { maxLength: 20 }), (pairs) => {
        for (const [pickup, dropoff] of pairs) expect(handles.get(pickup, dropoff)).toBe(idOf(`${pickup}_${dropoff}`));
      }),
      { numRuns: 2_000 },
    );
  });
});
