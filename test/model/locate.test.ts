/**
 * Model locations: parsing, environment pieces, MLmodel reading, and loading from a real local S3
 * (s3rver in-process): plain objects, MLflow prefixes (course layout), missing pieces.
 */
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MlflowModelError,
  ModelFetchError,
  ModelLocationError,
  loadModel,
  modelSourceFromParts,
  parseMlmodel,
  parseModelLocation,
} from '../../lambda/model/index.js';
import type { S3Client } from '@aws-sdk/client-s3';
import { createS3Client } from '../../lambda/aws-clients.js';
import { fetchModel } from '../../lambda/model/index.js';
import { createBucket, putObject, startS3rver, TEST_CREDENTIALS, TEST_REGION } from '../support/services.js';
import { usePeer } from '../support/peer.js';
import type { RunningS3rver } from '../support/services.js';
import { MODEL_CASES, repoRoot } from './support.js';

describe('parseModelLocation', () => {
  it('s3:// URIs and local paths', () => {
    expect(parseModelLocation('s3://mlflow-models/1/e1ef/artifacts/model')).toEqual({ kind: 's3', bucket: 'mlflow-models', key: '1/e1ef/artifacts/model' });
    expect(parseModelLocation('s3://b-1.x/lin_reg.bin')).toEqual({ kind: 's3', bucket: 'b-1.x', key: 'lin_reg.bin' });
    expect(parseModelLocation(' model-artifacts/lin_reg.bin ')).toEqual({ kind: 'file', path: 'model-artifacts/lin_reg.bin' });
    expect(parseModelLocation('/opt/model')).toEqual({ kind: 'file', path: '/opt/model' });
  });

  it('rejects what cannot be a location', () => {
    expect(() => parseModelLocation('')).toThrow(ModelLocationError);
    expect(() => parseModelLocation('s3://bucket/')).toThrow(/has no key/);
    expect(() => parseModelLocation('s3://Bad_Bucket/key')).toThrow(/invalid S3 bucket name/);
    expect(() => parseModelLocation('https://example.com/model.bin')).toThrow(/unsupported model location scheme/);
  });
});

describe('modelSourceFromParts (env pieces)', () => {
  it('MODEL_LOCATION wins, then MODEL_BUCKET + MODEL_KEY, then the course MLflow layout', () => {
    expect(modelSourceFromParts({ MODEL_LOCATION: 's3://a-bucket/k.bin', MODEL_BUCKET: 'other', MODEL_KEY: 'x' })).toEqual({ kind: 's3', bucket: 'a-bucket', key: 'k.bin' });
    expect(modelSourceFromParts({ MODEL_BUCKET: 'models', MODEL_KEY: '/lin_reg.bin' })).toEqual({ kind: 's3', bucket: 'models', key: 'lin_reg.bin' });
    expect(modelSourceFromParts({ MODEL_BUCKET: 'models', MLFLOW_EXPERIMENT_ID: '1', RUN_ID: 'e1efc53e' })).toEqual({
      kind: 's3',
      bucket: 'models',
      key: '1/e1efc53e/artifacts/model',
    });
    expect(modelSourceFromParts({})).toBeUndefined();
    expect(modelSourceFromParts({ MODEL_LOCATION: '  ' })).toBeUndefined();
  });

  it('incomplete pieces are errors that say what is missing', () => {
    expect(() => modelSourceFromParts({ MODEL_KEY: 'x.bin' })).toThrow(/MODEL_BUCKET is not/);
    expect(() => modelSourceFromParts({ MODEL_BUCKET: 'models', RUN_ID: 'abc' })).toThrow(/neither MODEL_KEY nor MLFLOW_EXPERIMENT_ID \+ RUN_ID/);
  });
});

describe('parseMlmodel', () => {
  it('reads the course MLflow folder', () => {
    const text = readFileSync(join(MODEL_CASES[1]?.fixture ?? '', 'MLmodel'), 'utf8');
    expect(parseMlmodel(text)).toEqual({
      pickledModel: 'model.pkl',
      sklearnVersion: '1.0.2',
      serializationFormat: 'cloudpickle',
      runId: 'e1efc53e9bd149078b0c12aeaa6365df',
      mlflowVersion: '1.26.1',
    });
  });

  it('copes with what newer MLflow writes: wrapped quoted scalars, sequences, comments, quoted keys', () => {
    const text = [
      '# written by mlflow 2.x',
      'artifact_path: model',
      'flavors:',
      '  python_function:',
      '    env:',
      '      conda: conda.yaml',
      '      virtualenv: python_env.yaml',
      '    loader_module: mlflow.sklearn',
      '  sklearn:',
      '    code: null',
      '    pickled_model: "model.pkl"',
      "    serialization_format: 'cloudpickle'",
      '    sklearn_version: 1.5.0',
      'mlflow_version: 2.13.0',
      'model_size_bytes: 411535',
      "model_uuid: 5016c0894ae54c9db84fc47842619195",
      'run_id: 5016c0894ae54c9db84fc47842619195',
      'signature:',
      "  inputs: '[{\"type\": \"string\", \"name\": \"PU_DO\", \"required\": true}, {\"type\": \"double\",",
      "    \"name\": \"trip_distance\", \"required\": true}]'",
      '  outputs: null',
      'tags:',
      '- a',
      '- b: c',
      "'quoted key': yes",
      "utc_time_created: '2024-05-20 10:00:00.000000'",
      '',
    ].join('\n');
    expect(parseMlmodel(text)).toEqual({
      pickledModel: 'model.pkl',
      sklearnVersion: '1.5.0',
      serializationFormat: 'cloudpickle',
      runId: '5016c0894ae54c9db84fc47842619195',
      mlflowVersion: '2.13.0',
      signatureInputs: [
        { name: 'PU_DO', type: 'string' },
        { name: 'trip_distance', type: 'double' },
      ],
    });
  });

  it('errors name the problem', () => {
    expect(() => parseMlmodel('just a string')).toThrow(MlflowModelError);
    expect(() => parseMlmodel('run_id: x\n')).toThrow(/no flavors mapping/);
    expect(() => parseMlmodel('flavors:\n  sklearn:\n    sklearn_version: 1.0\n')).toThrow(/has no pickled_model/);
    expect(() => parseMlmodel('flavors:\n  sklearn:\n    pickled_model: /etc/passwd\n')).toThrow(/outside the model folder/);
  });

  it('a leading UTF-8 byte-order mark is skipped, as PyYAML does', () => {
    expect(parseMlmodel('\ufeffflavors:\n  sklearn:\n    pickled_model: model.pkl\nrun_id: abc\n')).toEqual({ pickledModel: 'model.pkl', runId: 'abc' });
  });

  it('flow-style YAML is refused as such, not as a missing flavors mapping', () => {
    expect(() => parseMlmodel('{flavors: {sklearn: {pickled_model: model.pkl}}}')).toThrow(/^MLmodel: line 1: flow-style YAML \(\{…\} or \[…\]\) is not supported/);
    expect(() => parseMlmodel('run_id: x\nflavors: {sklearn: {}}\n')).toThrow(/^MLmodel: line 2: flow-style YAML/);
    // A quoted value may hold braces; only a plain scalar starting a flow collection is refused.
    expect(parseMlmodel("flavors:\n  sklearn:\n    pickled_model: model.pkl\nsignature: '{\"inputs\": []}'\n").pickledModel).toBe('model.pkl');
  });

  it('runs of 180,000 spaces (which made back-tracking regexes take 40 s) are read or refused in linear time', { timeout: 2_000 }, () => {
    const spaces = ' '.repeat(180_000);
    const head = 'flavors:\n  sklearn:\n';
    const cases: readonly (readonly [string, RegExp | string])[] = [
      [`${head}    pickled_model: model.pkl${spaces}\n`, 'model.pkl'],
      [`${head}    pickled_model:${spaces}model.pkl\n`, 'model.pkl'],
      [`${head}    pickled_model: model.pkl${spaces}# comment\n`, 'model.pkl'],
      [`${head}    pickled_model: a${spaces}b\n`, /pickled_model "a {199}"…\(180002 chars\) is longer than any file path/],
      [`${head}    pickled_model: model.pkl\n    sklearn_version: 1.${spaces}2\n`, 'model.pkl'],
      [`${head}${spaces}\n    pickled_model: model.pkl\n`, 'model.pkl'],
      [`${head}    pickled_model${spaces}: model.pkl\n`, /^MLmodel is not valid YAML: line 3: .*implicit .*key/],
      [`${head}    - ${spaces}x\n`, /has no sklearn flavour/],
      [`k${spaces}\n`, /^MLmodel is not valid YAML: line 1: expected "key: value", found a scalar$/],
    ];
    for (const [text, outcome] of cases) {
      const started = performance.now();
      if (typeof outcome === 'string') expect(parseMlmodel(text).pickledModel).toBe(outcome);
      else expect(() => parseMlmodel(text)).toThrow(outcome);
      expect(performance.now() - started).toBeLessThan(1_000);
    }
  });

  it('10,000 nested levels: refused at the depth limit of 64 without deep recursion', { timeout: 2_000 }, async () => {
    // Block nesting needs ever deeper indentation: a mapping, then `- k:` lines each adding a
    // sequence and a mapping level 2 columns further in (25 MB of text for 10,000 levels).
    const pad = ' '.repeat(10_000);
    const lines = ['k:\n'];
    for (let level = 0; level < 5_000; level++) lines.push(`${pad.slice(0, 2 * level)}- k:\n`);
    expect(() => parseMlmodel(lines.join(''))).toThrow(/^MLmodel is not valid YAML: line 33: nested deeper than 64 levels$/);
    // 64 levels are fine.
    expect(() => parseMlmodel(lines.slice(0, 32).join(''))).toThrow(/has no flavors mapping/);
  });
});

describe('loading from S3 (s3rver) with the SDK client', () => {
  let s3: RunningS3rver;
  let reader: S3Client;
  const bucket = 'mlflow-models-test';
  const rfFolder = MODEL_CASES[1]?.fixture ?? '';
  const runId = 'e1efc53e9bd149078b0c12aeaa6365df';

  beforeAll(async () => {
    s3 = await startS3rver();
    reader = createS3Client({ endpoint: s3.endpoint, region: TEST_REGION, credentials: TEST_CREDENTIALS });
    await createBucket(s3.client, bucket);
    await putObject(s3.client, bucket, 'lin_reg.bin', readFileSync(join(repoRoot, 'model-artifacts/lin_reg.bin')));
    await putObject(s3.client, bucket, 'models/lin_reg_no_extension', readFileSync(join(repoRoot, 'model-artifacts/lin_reg.bin')));
    for (const file of ['MLmodel', 'model.pkl', 'conda.yaml']) {
      await putObject(s3.client, bucket, `1/${runId}/artifacts/model/${file}`, readFileSync(join(rfFolder, file)));
    }
    await putObject(s3.client, bucket, `1/broken/artifacts/model/MLmodel`, readFileSync(join(rfFolder, 'MLmodel')));
    const contract = join(repoRoot, 'test/fixtures/models/contract');
    await putObject(s3.client, bucket, 'recipes/hour.bin', readFileSync(join(contract, 'hour-recipe-ridge.bin')));
    await putObject(s3.client, bucket, 'recipes/hour.bin.recipe.json', readFileSync(join(contract, 'hour-recipe-ridge.bin.recipe.json')));
    await putObject(s3.client, bucket, 'recipes/lonely.bin', readFileSync(join(contract, 'hour-recipe-ridge.bin')));
    for (const [file, from] of [['MLmodel', join(rfFolder, 'MLmodel')], ['model.pkl', join(contract, 'hour-recipe-ridge.bin')], ['recipe.json', join(contract, 'hour-recipe-ridge.bin.recipe.json')]] as const) {
      await putObject(s3.client, bucket, `2/recipe-run/artifacts/model/${file}`, readFileSync(from));
    }
  });
  afterAll(async () => {
    await s3?.dispose();
  });

  it('an object key (course lin_reg.bin), with its ETag', async () => {
    const { predictor, description } = await loadModel(`s3://${bucket}/lin_reg.bin`, { s3: reader });
    expect(predictor.predictOne({ PU_DO: '130_205', trip_distance: 3.66 })).toBe(12.78553032985699);
    expect(description).toMatchObject({ format: 'pickle-tuple', source: `s3://${bucket}/lin_reg.bin`, version: 'sha256:b51a38fd7db9' });
    expect(description.s3ETag).toMatch(/^"?[0-9a-f]{32}"?$/);
  });

  it('a recipe beside an object key, and recipe.json in an MLflow prefix, are read with the model', async () => {
    const file = await loadModel(`s3://${bucket}/recipes/hour.bin`, { s3: reader });
    expect(file.contract.describe()).toContain('pickup_weekday (numeric) ← weekday(lpep_pickup_datetime)');
    const folder = await loadModel(`s3://${bucket}/2/recipe-run/artifacts/model/`, { s3: reader });
    expect(folder.contract.describe()).toContain('pickup_hour (one-hot) ← hour(lpep_pickup_datetime)');
    // Without its recipe the same pickle reads keys no ride provides: refused, not served wrong.
    await expect(loadModel(`s3://${bucket}/recipes/lonely.bin`, { s3: reader })).rejects.toThrow(/"pickup_hour" .*: no ride field or derived key has this name/);
  });

  it('the course MLflow layout, from env pieces', async () => {
    const source = modelSourceFromParts({ MODEL_BUCKET: bucket, MLFLOW_EXPERIMENT_ID: '1', RUN_ID: runId });
    expect(source).toBeDefined();
    const { predictor, description } = await loadModel(source ?? '', { s3: reader });
    expect(predictor.predictOne({ PU_DO: '130_205', trip_distance: 3.66 })).toBe(21.294545348333408);
    expect(description).toMatchObject({ format: 'mlflow', version: runId, sklearnVersion: '1.0.2', regressor: 'RandomForestRegressor' });
  });

  it('an MLflow prefix with a trailing slash, and the MLmodel key itself', async () => {
    for (const key of [`1/${runId}/artifacts/model/`, `1/${runId}/artifacts/model/MLmodel`]) {
      const { description } = await loadModel(`s3://${bucket}/${key}`, { s3: reader });
      expect(description.version).toBe(runId);
    }
  });

  it('an object without a model extension is loaded when no MLmodel sits under it', async () => {
    const { predictor } = await loadModel(`s3://${bucket}/models/lin_reg_no_extension`, { s3: reader });
    expect(predictor.predictOne({ PU_DO: '10_50', trip_distance: 40 })).toBe(26.43883355119793);
  });

  it('missing objects and folders give clear errors', async () => {
    await expect(loadModel(`s3://${bucket}/nope.bin`, { s3: reader })).rejects.toThrow(ModelFetchError);
    await expect(loadModel(`s3://${bucket}/1/nope/artifacts/model`, { s3: reader })).rejects.toThrow(/neither the object .* nor an MLflow folder/);
    await expect(loadModel(`s3://${bucket}/1/broken/artifacts/model`, { s3: reader })).rejects.toThrow(/names pickled_model "model\.pkl", but that object does not exist under s3:\/\/.*\/1\/broken\/artifacts\/model\//);
    await expect(loadModel(`s3://no-such-bucket-x/lin_reg.bin`, { s3: reader })).rejects.toThrow(/^cannot get s3:\/\/no-such-bucket-x\/lin_reg\.bin: no such bucket "no-such-bucket-x"$/);
    await expect(loadModel(`s3://${bucket}/lin_reg.bin`)).rejects.toThrow(/needs an S3 client/);
  });

  it('keys that need escaping (spaces, plus, unicode, parentheses) are found', async () => {
    const key = 'odd keys/model (v2)+ü*!.bin';
    await putObject(s3.client, bucket, key, readFileSync(join(repoRoot, 'model-artifacts/lin_reg.bin')));
    const { predictor } = await loadModel(`s3://${bucket}/${key}`, { s3: reader });
    expect(predictor.predictOne({ PU_DO: '130_205', trip_distance: 3.66 })).toBe(12.78553032985699);
  });
});


describe('the model GET through the SDK (a peer that answers as S3 would, or would not)', () => {
  const model = readFileSync(join(repoRoot, 'model-artifacts/lin_reg.bin'));
  const client = (endpoint: string): S3Client => createS3Client({ endpoint, region: TEST_REGION, credentials: TEST_CREDENTIALS });
  /** A model's recipe is probed beside it: these peers have none (S3's 404). */
  const noRecipe = (path: string, response: ServerResponse): boolean => {
    if (!path.split('?')[0]!.endsWith('.recipe.json')) return false;
    response.writeHead(404, { 'content-type': 'application/xml' }).end('<Error><Code>NoSuchKey</Code><Message>none</Message></Error>');
    return true;
  };

  it('retries S3 5xx answers and throttling, then reads the object; gives up after its attempts with S3\'s code', async () => {
    const paths: string[] = [];
    let answers = ['503 SlowDown', '500 InternalError'];
    const server = await usePeer((request, response) => {
      if (noRecipe(request.path, response)) return;
      paths.push(request.path);
      const next = answers.shift();
      if (next === undefined) {
        response.writeHead(200, { 'content-length': model.length, etag: '"abc"' }).end(model);
        return;
      }
      const [status, code] = next.split(' ');
      response.writeHead(Number(status), { 'content-type': 'application/xml' }).end(`<Error><Code>${code}</Code><Message>try later</Message></Error>`);
    });
    const s3 = client(server.endpoint);
    const { predictor, description } = await loadModel('s3://bkt/lin_reg.bin', { s3 });
    expect(predictor.predictOne({ PU_DO: '130_205', trip_distance: 3.66 })).toBe(12.78553032985699);
    expect(description.s3ETag).toBe('"abc"');
    expect(paths.map((path) => path.split('?')[0])).toEqual(['/bkt/lin_reg.bin', '/bkt/lin_reg.bin', '/bkt/lin_reg.bin']); // path-style, three attempts
    answers = ['500 InternalError', '500 InternalError', '500 InternalError', '500 InternalError'];
    await expect(loadModel('s3://bkt/lin_reg.bin', { s3 })).rejects.toThrow(/^cannot get s3:\/\/bkt\/lin_reg\.bin: S3 answered HTTP 500 \(internal server error: InternalError: try later\) after 3 attempts$/);
    expect(answers).toHaveLength(1); // S3_MAX_ATTEMPTS = 3
  });

  it('refuses a body longer than the cap on its Content-Length, before reading it', async () => {
    let written = 0;
    const server = await usePeer((request, response) => {
      if (noRecipe(request.path, response)) return;
      response.writeHead(200, { 'content-length': 10_000_000 });
      written = 4096;
      response.write(Buffer.alloc(written)); // the rest never comes: the client must not wait for it
    });
    await expect(fetchModel(parseModelLocation('s3://bkt/big.bin'), { s3: client(server.endpoint), maxS3Bytes: 1_000_000 })).rejects.toThrow(
      /s3:\/\/bkt\/big\.bin has 10000000 bytes, more than the 1000000-byte limit/,
    );
    expect(written).toBe(4096);
  });

  it('counts the bytes as they stream: a chunked body without Content-Length is cut at the cap', async () => {
    const server = await usePeer((request, response) => {
      if (noRecipe(request.path, response)) return;
      response.writeHead(200, { 'transfer-encoding': 'chunked' });
      for (let i = 0; i < 40; i++) response.write(Buffer.alloc(64 * 1024));
      response.end();
    });
    await expect(fetchModel(parseModelLocation('s3://bkt/chunked.bin'), { s3: client(server.endpoint), maxS3Bytes: 1_000_000 })).rejects.toThrow(
      /s3:\/\/bkt\/chunked\.bin streams more than the 1000000-byte limit \(Content-Length said nothing\)/,
    );
    // Within the cap the same body is read whole.
    const fetched = await fetchModel(parseModelLocation('s3://bkt/chunked.bin'), { s3: client(server.endpoint), maxS3Bytes: 40 * 64 * 1024 });
    expect(fetched.bytes.byteLength).toBe(40 * 64 * 1024);
  });

  it('gives up on an endpoint that refuses connections after its retries, with the network error', async () => {
    await expect(loadModel('s3://signed/lin_reg.bin', { s3: client('http://127.0.0.1:1') })).rejects.toThrow(/cannot get s3:\/\/signed\/lin_reg\.bin: .*ECONNREFUSED/);
  });
});
