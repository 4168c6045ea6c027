/**
 * The model contract with real scikit-learn 1.2.1 models trained on other ride fields than the
 * course's (test/fixtures/models/contract/generate.py): what each model reads, exact predictions
 * through the contract's encoder, drift, and the models that must be refused at load.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RECIPE, deriveContract, parseRecipe, RECIPE_FORMAT, wallClock, withSignatureFields, type RideObject } from '../../lambda/model/contract/index.js';
import { readKeys } from '../../lambda/model/contract/contract.js';
import { loadModel, loadModelFromBytes, ModelContractError, ModelLoadError, parseModelLocation } from '../../lambda/model/index.js';
import type { FeatureSpace, LoadedModel } from '../../lambda/model/types.js';
import { hasShared, modelFixtures, sharedDir } from './support.js';

const dir = join(modelFixtures, 'contract');
interface Manifest {
  readonly models: Record<string, { regressor: string; features: number; separator: string; fields: string[]; recipe: boolean; feb2021: { rides: number; sha256: string } }>;
  readonly refused: Record<string, string>;
}
const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;

/** Loads a fixture's bytes with its recipe next to it, when there is one (as `loadModel` finds it). */
function load(file: string): LoadedModel {
  const path = join(dir, file);
  const recipePath = `${path}.recipe.json`;
  return loadModelFromBytes(readFileSync(path), {
    source: path,
    ...(existsSync(recipePath) ? { recipe: { json: JSON.parse(readFileSync(recipePath, 'utf8')) as unknown, source: recipePath } } : {}),
  });
}

function score(model: LoadedModel, ride: RideObject): { prediction: number; unseen: string[] } {
  const encoder = model.contract.encoder();
  const n = encoder.encode(ride);
  return { prediction: model.predictor.score(encoder.cols, encoder.vals, n), unseen: encoder.unseen };
}

describe('models trained on other ride fields score exactly as scikit-learn', () => {
  for (const [name, info] of Object.entries(manifest.models)) {
    it(`${name}: ${info.regressor}, fields ${info.fields.join(', ')}`, () => {
      const model = load(`${name}.bin`);
      expect(model.description.regressor).toBe(info.regressor);
      expect(model.contract.requiredFields.map((field) => field.name).sort()).toEqual([...info.fields].sort());
      const lines = readFileSync(join(dir, `${name}.expected.jsonl`), 'utf8').trim().split('\n');
      let mismatches = 0;
      for (const line of lines) {
        const { ride, prediction } = JSON.parse(line) as { ride: RideObject; prediction: number };
        expect(model.contract.check(ride)).toBeUndefined();
        if (score(model, ride).prediction !== prediction) mismatches++;
      }
      expect(mismatches).toBe(0);
      // A location id no zone has: its one-hot feature is unseen, dropped as sklearn drops it, and counted.
      const last = JSON.parse(lines.at(-1)!) as { ride: RideObject };
      const unseen = score(model, { ...last.ride, PULocationID: 99_999 });
      expect(unseen.unseen).toHaveLength(1);
      expect(unseen.unseen[0]).toMatch(/^PU(LocationID|_DO).?99999/);
    });
  }

  it('the homework model reads its location ids as text, with no configuration', () => {
    const model = load('homework-linreg.bin');
    expect(model.contract.summary.inputs.map(({ key, kind, from }) => [key, kind, from])).toEqual([
      ['DOLocationID', 'one-hot', 'ride.DOLocationID (integer)'],
      ['PULocationID', 'one-hot', 'ride.PULocationID (integer)'],
    ]);
    // Not the intercept for every ride (what ignoring the ids would give).
    const a = score(model, { PULocationID: 130, DOLocationID: 205 }).prediction;
    const b = score(model, { PULocationID: 152, DOLocationID: 244 }).prediction;
    expect(a).not.toBe(b);
    expect(model.contract.check({ PULocationID: 130, trip_distance: 3.66 })).toBe('ride.DOLocationID: missing');
  });

  it('a recipe model reads the pickup hour and weekday from the timestamp as written', () => {
    const model = load('hour-recipe-rf.bin');
    expect(model.contract.describe()).toContain('pickup_hour (one-hot) ← hour(lpep_pickup_datetime)');
    expect(model.contract.describe()).toContain('pickup_weekday (numeric) ← weekday(lpep_pickup_datetime)');
    expect(model.contract.check({ lpep_pickup_datetime: '2021-02-30 10:00:00', PULocationID: 1, DOLocationID: 2, trip_distance: 1 })).toBe(
      'ride.lpep_pickup_datetime: expected a timestamp "YYYY-MM-DD HH:MM:SS"',
    );
  });

  it('a separator that also occurs in keys and values splits at the keys a ride provides', () => {
    const model = load('separator-underscore-linreg.bin');
    expect(model.contract.summary.inputs.map(({ key, kind }) => [key, kind])).toEqual([
      ['PU_DO', 'one-hot'],
      ['trip_distance', 'numeric'],
    ]);
  });
});

describe('a recipe next to the model', () => {
  it('is found beside a local model file', async () => {
    const model = await loadModel(parseModelLocation(join(dir, 'hour-recipe-rf.bin')));
    expect(model.contract.describe()).toContain('pickup_hour (one-hot) ← hour(lpep_pickup_datetime)');
  });

  it('is part of the version: the same model bytes with another recipe are another model', async () => {
    const copy = join(await mkdtemp(join(tmpdir(), 'recipe-')), 'model.bin');
    await copyFile(join(dir, 'hour-recipe-rf.bin'), copy);
    const recipe = readFileSync(join(dir, 'hour-recipe-rf.bin.recipe.json'), 'utf8');
    await writeFile(`${copy}.recipe.json`, recipe);
    const first = (await loadModel(parseModelLocation(copy))).description;
    const modelSha256 = createHash('sha256').update(readFileSync(copy)).digest('hex');
    const recipeSha256 = createHash('sha256').update(recipe).digest('hex');
    expect(first).toMatchObject({ version: `sha256:${modelSha256.slice(0, 12)}+recipe:${recipeSha256.slice(0, 12)}`, sha256: modelSha256, recipeSha256 });
    await writeFile(`${copy}.recipe.json`, `${recipe}\n`);
    const second = (await loadModel(parseModelLocation(copy))).description;
    expect(second.sha256).toBe(first.sha256);
    expect(second.version).not.toBe(first.version);
  });

  it('is needed: without it, the model reads keys no ride provides and is refused', async () => {
    const copy = join(await mkdtemp(join(tmpdir(), 'recipe-')), 'model.bin');
    await copyFile(join(dir, 'hour-recipe-rf.bin'), copy);
    await expect(loadModel(parseModelLocation(copy))).rejects.toThrow(/"pickup_hour" \(one-hot, \d+ columns such as "pickup_hour=0"\): no ride field or derived key has this name/);
    await writeFile(`${copy}.recipe.json`, '{"format": ');
    await expect(loadModel(parseModelLocation(copy))).rejects.toThrow(/^recipe .*model\.bin\.recipe\.json is not JSON: /);
  });

  it('is found as recipe.json inside an MLflow folder', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'mlflow-recipe-'));
    await copyFile(join(dir, 'hour-recipe-ridge.bin'), join(folder, 'model.pkl'));
    await copyFile(join(dir, 'hour-recipe-ridge.bin.recipe.json'), join(folder, 'recipe.json'));
    await writeFile(join(folder, 'MLmodel'), 'flavors:\n  sklearn:\n    pickled_model: model.pkl\n    sklearn_version: 1.2.1\nrun_id: abc123\n');
    const model = await loadModel(parseModelLocation(folder));
    const recipeSha256 = createHash('sha256').update(readFileSync(join(folder, 'recipe.json'))).digest('hex');
    expect(model.description.version).toBe(`abc123+recipe:${recipeSha256.slice(0, 12)}`);
    expect(model.contract.requiredFields.map((field) => field.name)).toEqual(['VendorID', 'lpep_pickup_datetime', 'PULocationID', 'DOLocationID', 'trip_distance']);
  });
});

describe('an MLflow signature', () => {
  it('declares the fields its columns name, with their MLflow types', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'mlflow-signature-'));
    await copyFile(join(dir, 'refused-fare.bin'), join(folder, 'model.pkl'));
    const mlmodel = (inputs: string) =>
      `flavors:\n  sklearn:\n    pickled_model: model.pkl\n    sklearn_version: 1.2.1\nsignature:\n  inputs: '${inputs}'\n  outputs: '[{"type": "double"}]'\n`;
    // Without a signature the fare is no ride field: refused (refused-fare.bin above).
    await writeFile(join(folder, 'MLmodel'), mlmodel('[{"name": "PU_DO", "type": "string"}, {"name": "fare_amount", "type": "double"}]'));
    const model = await loadModel(parseModelLocation(folder));
    expect(model.contract.describe()).toBe('PU_DO (one-hot) ← join(PULocationID, DOLocationID, "_"); fare_amount (numeric) ← ride.fare_amount (number)');
    expect(model.contract.check({ PULocationID: 1, DOLocationID: 2, fare_amount: 'ten' })).toBe('ride.fare_amount: expected a finite number');
    // A tensor-based signature names no columns: nothing is declared.
    await writeFile(join(folder, 'MLmodel'), mlmodel('[{"type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1, 2]}}]'));
    await expect(loadModel(parseModelLocation(folder))).rejects.toThrow(/"fare_amount" \(numeric, 1 column\): no ride field/);
  });

  it('keeps the ride-start fields\' own types', () => {
    const recipe = withSignatureFields(DEFAULT_RECIPE, [{ name: 'PULocationID', type: 'string' }, { name: 'zone', type: 'string' }, { name: 'flag', type: 'boolean' }], new Set(['PULocationID']));
    expect(recipe.fields).toEqual([{ name: 'zone', type: 'text' }]);
  });
});

describe('models that cannot be served are refused at load', () => {
  for (const [file, text] of Object.entries(manifest.refused)) {
    it(`${file}: ${text}`, () => {
      expect(() => load(file)).toThrow(ModelLoadError);
      expect(() => load(file)).toThrow(text);
    });
  }

  it('names the key, what the model expects and what the function provides, on one line', () => {
    let message = '';
    try {
      load('refused-fare.bin');
    } catch (error) {
      message = (error as Error).message;
      expect(error).toBeInstanceOf(ModelContractError);
    }
    // The model it is about first: in Lambda this message is the whole log line.
    expect(message).toMatch(/^model \/\S*refused-fare\.bin: the model cannot be served: it reads "fare_amount" \(numeric, 1 column\): no ride field or derived key has this name\. /);
    expect(message).toContain('The function provides ride fields VendorID (integer)');
    expect(message).toContain('README "Your own model"');
    expect(message).not.toContain('\n');
  });
});

/** A feature space of the given names, as a DictVectorizer with sorted vocabulary gives. */
function space(names: readonly string[], separator = '='): FeatureSpace {
  return { separator, featureCount: names.length, featureNames: () => names, column: (name) => names.indexOf(name) };
}

describe('deriveContract', () => {
  it("a run of one key's columns stops where a longer key ends inside an overlapping separator", () => {
    // 'a===x' splits at both '==' in it; the longer key 'a=' wins, as scikit-learn's names mean.
    const read = readKeys(['a==u', 'a===x'], '==', new Set(['a', 'a=']));
    expect([...read].map(([key, { columns }]) => [key, columns])).toEqual([['a', 1], ['a=', 1]]);
  });

  it('reads the same keys and columns as splitting each name on its own, in any order', () => {
    // Keys of all sorts: prefixes of one another at the separator and inside it ('PU=' ends inside
    // '==' in 'PU===x'), values, and unknown text, joined by the separator or by other text.
    const part = fc.constantFrom('PU', 'DO', 'PU_DO', 'PU=DO', 'PU|DO', 'PU=', 'trip', 'x', '1', '=', '');
    const separator = fc.constantFrom('=', '_', '|', '==', 'P', '');
    const keySet = fc.subarray(['PU', 'DO', 'PU_DO', 'PU=DO', 'PU|DO', 'PU_DO_1', 'PU=', 'trip', 'x']);
    type Read = ReturnType<typeof readKeys>;
    const summary = (read: Read): string =>
      [...read].map(([key, { kinds, columns }]) => `${key}:${[...kinds].sort().join('+')}:${columns}`).sort().join(' ');
    /** Each name read alone (no run to follow), added up: the reference. */
    const oneByOne = (names: readonly string[], sep: string, keys: ReadonlySet<string>): Read => {
      const read: Read = new Map();
      for (const name of names) {
        for (const [key, { kinds, columns }] of readKeys([name], sep, keys)) {
          const entry = read.get(key) ?? { kinds: new Set(), columns: 0, example: name };
          kinds.forEach((kind) => entry.kinds.add(kind));
          entry.columns += columns;
          read.set(key, entry);
        }
      }
      return read;
    };
    fc.assert(
      fc.property(fc.array(fc.array(part, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 40 }), separator, keySet, fc.array(fc.nat()), (parts, sep, keys, shuffle) => {
        const names = [...new Set(parts.map((p) => p.join(sep)))].sort();
        const other = [...names];
        shuffle.forEach((n, i) => {
          const j = n % other.length;
          const k = i % other.length;
          [other[j], other[k]] = [other[k]!, other[j]!];
        });
        const known = new Set(keys);
        const expected = summary(oneByOne(names, sep, known));
        expect(summary(readKeys(names, sep, known))).toBe(expected);
        expect(summary(readKeys(other, sep, known))).toBe(expected);
      }),
      { numRuns: 2_000 },
    );
  });

  it('derives the course contract: PU_DO one-hot from the two ids, trip_distance numeric', () => {
    const contract = deriveContract(space(['PU_DO=130_205', 'PU_DO=1_2', 'trip_distance']));
    expect(contract.summary.inputs).toEqual([
      { key: 'PU_DO', kind: 'one-hot', columns: 2, from: 'join(PULocationID, DOLocationID, "_")' },
      { key: 'trip_distance', kind: 'numeric', columns: 1, from: 'ride.trip_distance (number)' },
    ]);
    expect(contract.requiredFields.map((f) => f.name)).toEqual(['PULocationID', 'DOLocationID', 'trip_distance']);
  });

  it.each([
    ['a key read both ways', ['PULocationID', 'PULocationID=1'], /"PULocationID": read both as a number and as text \(one-hot\), as "PULocationID" and "PULocationID=1"/],
    ['a text field read as a number', ['store_and_fwd_flag'], /"store_and_fwd_flag" \(numeric, 1 column\): read as a number, but ride.store_and_fwd_flag \(text\) is text/],
    ['a float field read as text', ['trip_distance=3.5'], /non-integer number, whose text Python writes differently/],
    ['an empty vocabulary', [], /reads no features/],
    ['several unknown keys, all named', ['fare_amount', 'tip_amount', 'zone=Astoria'], /it reads "fare_amount" \(numeric, 1 column\): no ride .*; "tip_amount" .*; "zone" \(one-hot, 1 column such as "zone=Astoria"\)/],
    ['integer ids read as float text', ['PULocationID=130.0', 'PULocationID=74.0'], /"PULocationID" \(one-hot, 2 columns such as "PULocationID=130.0"\): none of its values is a text ride.PULocationID \(integer\) can give/],
    ['a join of integer ids read as float text', ['PU_DO=130.0_205.0', 'trip_distance'], /"PU_DO" .*: none of its values is a text join\(PULocationID, DOLocationID, "_"\) can give/],
    ['ids with leading zeros', ['VendorID=01', 'VendorID=02'], /"VendorID" .*: none of its values/],
  ])('refuses %s', (_, names, message) => {
    expect(() => deriveContract(space(names))).toThrow(message);
  });

  it('serves integer ids with a few values no ride can give ("<NA>", as pandas writes a missing Int64)', () => {
    const contract = deriveContract(space(['PULocationID=130', 'PULocationID=<NA>', 'PULocationID=74']));
    expect(contract.summary.inputs).toEqual([{ key: 'PULocationID', kind: 'one-hot', columns: 3, from: 'ride.PULocationID (integer)' }]);
  });

  it.each([
    ['begins a key', 'D', ['DOLocationIDD205', 'PULocationIDD130', 'trip_distance']],
    ['is empty', '', ['DOLocationID205', 'PULocationID130', 'trip_distance']],
  ])('splits the names of a vectorizer whose separator %s', (_, separator, names) => {
    expect(deriveContract(space(names, separator)).summary.inputs).toEqual([
      { key: 'DOLocationID', kind: 'one-hot', columns: 1, from: 'ride.DOLocationID (integer)' },
      { key: 'PULocationID', kind: 'one-hot', columns: 1, from: 'ride.PULocationID (integer)' },
      { key: 'trip_distance', kind: 'numeric', columns: 1, from: 'ride.trip_distance (number)' },
    ]);
  });

  it('reads declared fields and derived keys from a recipe', () => {
    const recipe = parseRecipe(
      { format: RECIPE_FORMAT, fields: { zone: 'text' }, derived: { route: { join: ['zone', 'DOLocationID'], separator: '>' }, pu: { field: 'PULocationID' } } },
      'test',
    );
    const contract = deriveContract(space(['pu=130', 'route=Astoria>205', 'zone=Astoria']), recipe);
    const encoder = contract.encoder();
    expect(encoder.encode({ PULocationID: 130, DOLocationID: 205, zone: 'Astoria' })).toBe(3);
    expect([...encoder.cols]).toEqual([0, 1, 2]);
    expect(encoder.encode({ PULocationID: 7, DOLocationID: 205, zone: 'Astoria' })).toBe(2);
    expect(encoder.unseen).toEqual(['pu=7']);
    expect(contract.check({ PULocationID: 1, DOLocationID: 2 })).toBe('ride.zone: missing');
  });

  it.each([
    [{ format: 'other' }, /"format" is "other"/],
    [{ derived: {} }, /"format" is missing, expected "ride-duration-recipe\/v1"/],
    [{ format: RECIPE_FORMAT, derived: { h: { minute: 'lpep_pickup_datetime' } } }, /unknown operation "minute"/],
    [{ format: RECIPE_FORMAT, derived: { h: { join: ['PULocationID'] } } }, /two or more field names/],
    [{ format: RECIPE_FORMAT, fields: { zone: 'string' } }, /field "zone" has type "string"/],
    [{ format: RECIPE_FORMAT, extra: {} }, /unknown section "extra"/],
  ])('refuses a malformed recipe %#', (json, message) => {
    expect(() => parseRecipe(json, 'r.json')).toThrow(message);
  });

  it.each([
    [{ h: { hour: 'trip_distance' } }, ['h'], /"h" \(numeric, 1 column\): its recipe takes the hour of trip_distance, a number field/],
    [{ j: { join: ['PULocationID', 'trip_distance'] } }, ['j=1_2.5'], /its recipe joins trip_distance, a number field/],
    [{ z: { field: 'zone' } }, ['z=a'], /its recipe reads "zone", which is no ride field/],
  ])('refuses a derived key the ride cannot feed %#', (derived, names, message) => {
    expect(() => deriveContract(space(names), parseRecipe({ format: RECIPE_FORMAT, derived }, 'r.json'))).toThrow(message);
  });

  it("lists the fields another contract's check does not already make (a shadow's, after the main's)", () => {
    const course = deriveContract(space(['PU_DO=130_205', 'trip_distance']));
    const homework = deriveContract(space(['DOLocationID=205', 'PULocationID=130']));
    const passenger = deriveContract(space(['PU_DO=130_205', 'passenger_count', 'trip_distance']));
    expect(homework.fieldsBeyond(course)).toEqual([]);
    expect(course.fieldsBeyond(homework).map((field) => field.name)).toEqual(['trip_distance']);
    expect(passenger.fieldsBeyond(course).map((field) => field.name)).toEqual(['passenger_count']);
    expect(course.fieldsBeyond(passenger)).toEqual([]);

    // One name declared with two types by two recipes: the main's check says nothing of the other's.
    const declared = (type: string) => deriveContract(space(['zone=7']), parseRecipe({ format: RECIPE_FORMAT, fields: { zone: type } }, 'r.json'));
    const [asText, asInteger] = [declared('text'), declared('integer')];
    expect(asInteger.fieldsBeyond(asText)).toEqual([{ name: 'zone', type: 'integer' }]);
    expect(asText.fieldsBeyond(asText)).toEqual([]);
    expect(asInteger.check({ zone: 'Astoria' }, 'ride.', asInteger.fieldsBeyond(asText))).toBe('ride.zone: expected an integer');
  });

  it('ignores a derived key of the recipe that the model does not read', () => {
    const recipe = parseRecipe({ format: RECIPE_FORMAT, derived: { unused: { hour: 'trip_distance' } } }, 'r.json');
    expect(deriveContract(space(['trip_distance']), recipe).requiredFields.map((f) => f.name)).toEqual(['trip_distance']);
  });
});

describe('wallClock', () => {
  it.each([
    ['2021-02-01 00:40:47', { hour: 0, weekday: 0 }],
    ['2021-02-07T23:59:59.123456', { hour: 23, weekday: 6 }],
    ['2024-02-29 12:00', { hour: 12, weekday: 3 }],
    ['2021-02-01T05:00:00+09:00', { hour: 5, weekday: 0 }],
  ])('%s', (text, expected) => expect(wallClock(text)).toEqual(expected));

  it.each(['2021-02-29 00:00:00', '2021-13-01 00:00:00', '2021-02-01 24:00:00', '2021-02-01', 'yesterday'])('refuses %s', (text) => {
    expect(wallClock(text)).toBeUndefined();
  });

  it('answers each text as its own, whatever came before (it remembers the last one)', () => {
    const texts = ['2021-02-01 00:40:47', 'yesterday', '2021-02-01 00:40:47', '2021-02-07 23:00', '2021-02-07 23:00', '2021-02-29 00:00'];
    expect(texts.map((text) => wallClock(text))).toEqual([
      { hour: 0, weekday: 0 }, undefined, { hour: 0, weekday: 0 }, { hour: 23, weekday: 6 }, { hour: 23, weekday: 6 }, undefined,
    ]);
  });

  it('refuses a long run of digits in linear time', () => {
    expect(wallClock(`2021-02-01 ${'1'.repeat(200_000)}`)).toBeUndefined();
  });
});

describe.skipIf(!hasShared)('parity over every February 2021 ride of ../shared with no null field (skipped without ../shared)', () => {
  it('each contract fixture model predicts every ride bit for bit as scikit-learn', async () => {
    const buf = readFileSync(join(sharedDir, 'data', 'green_tripdata_2021-02.parquet'));
    const rows = await parquetReadObjects({
      file: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength),
      compressors,
      columns: ['VendorID', 'lpep_pickup_datetime', 'PULocationID', 'DOLocationID', 'passenger_count', 'trip_distance', 'fare_amount'],
      parsers: { timestampFromMicroseconds: (us: bigint) => Number(us / 1000n) },
    });
    const rides: RideObject[] = [];
    for (const r of rows as Array<Record<string, unknown>>) {
      if (r.VendorID == null || r.passenger_count == null || r.trip_distance == null || r.fare_amount == null) continue;
      rides.push({
        VendorID: Number(r.VendorID),
        lpep_pickup_datetime: new Date(r.lpep_pickup_datetime as number).toISOString().slice(0, 19).replace('T', ' '),
        PULocationID: Number(r.PULocationID),
        DOLocationID: Number(r.DOLocationID),
        passenger_count: Number(r.passenger_count),
        trip_distance: r.trip_distance as number,
      });
    }
    for (const [name, info] of Object.entries(manifest.models)) {
      const model = load(`${name}.bin`);
      const encoder = model.contract.encoder();
      const predictions = new Float64Array(rides.length);
      rides.forEach((ride, i) => {
        expect(model.contract.check(ride)).toBeUndefined();
        predictions[i] = model.predictor.score(encoder.cols, encoder.vals, encoder.encode(ride));
      });
      const sha256 = createHash('sha256').update(new Uint8Array(predictions.buffer)).digest('hex');
      console.info(`contract parity ${name}: ${rides.length} rides, sha256 ${sha256 === info.feb2021.sha256 ? 'equal' : 'DIFFERENT'}`);
      expect(rides.length).toBe(info.feb2021.rides);
      expect(sha256).toBe(info.feb2021.sha256);
    }
  });
});
