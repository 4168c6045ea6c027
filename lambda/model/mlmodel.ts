/**
 * Reads an MLflow `MLmodel` file: the sklearn flavour's `pickled_model`, `sklearn_version`,
 * `serialization_format`, and the `run_id`. MLmodel is YAML written by `yaml.safe_dump` (block
 * mappings, plain or quoted scalars that may wrap onto continuation lines, block sequences); a small
 * reader for that subset keeps the Lambda bundle free of a YAML library.
 */
import { MlflowModelError, quoteFileValue } from './errors.js';

export interface MlflowModelInfo {
  /** File of the pickled model inside the folder, e.g. `model.pkl`. */
  readonly pickledModel: string;
  readonly sklearnVersion?: string;
  /** `cloudpickle` or `pickle`. */
  readonly serializationFormat?: string;
  readonly runId?: string;
  readonly mlflowVersion?: string;
}

export type YamlValue = string | null | YamlValue[] | YamlMap;
export type YamlMap = Map<string, YamlValue>;

const READABLE_FORMATS = new Set(['cloudpickle', 'pickle']);
/** Deepest nesting of block mappings/sequences read; `yaml.safe_dump` of an MLmodel nests about 5 deep. */
export const MAX_YAML_DEPTH = 64;
/** Longest `pickled_model` accepted: Linux's PATH_MAX; no longer name can be opened. */
export const MAX_PICKLED_MODEL_CHARS = 4096;
/** Flavour names an error message lists before summarising the rest. */
const MAX_LISTED_FLAVOURS = 10;

/** Valid YAML that this reader's subset leaves out (flow collections); MLflow never writes it. */
export class UnsupportedYamlError extends Error {}

/**
 * Parses MLmodel text and extracts what the runtime needs.
 *
 * @example
 * ```ts
 * parseMlmodel(readFileSync('model/MLmodel', 'utf8')).pickledModel; // 'model.pkl'
 * ```
 * @throws {MlflowModelError} when the text is not a mapping, has no sklearn flavour, or names an unsafe path
 */
export function parseMlmodel(text: string, where = 'MLmodel'): MlflowModelInfo {
  let root: YamlMap;
  try {
    root = parseYamlMapping(text);
  } catch (cause) {
    if (cause instanceof UnsupportedYamlError) throw new MlflowModelError(`${where}: ${cause.message}`, { cause });
    throw new MlflowModelError(`${where} is not valid YAML: ${(cause as Error).message}`, { cause });
  }
  const flavors = root.get('flavors');
  if (!(flavors instanceof Map)) throw new MlflowModelError(`${where} has no flavors mapping; is it an MLflow model?`);
  const sklearn = flavors.get('sklearn');
  if (!(sklearn instanceof Map)) {
    throw new MlflowModelError(`${where} has no sklearn flavour (flavours: ${listFlavours(flavors)}); only MLflow sklearn models are supported`);
  }
  const pickledModel = sklearn.get('pickled_model');
  if (typeof pickledModel !== 'string' || pickledModel.length === 0) {
    throw new MlflowModelError(`${where}: the sklearn flavour has no pickled_model`);
  }
  if (pickledModel.length > MAX_PICKLED_MODEL_CHARS) {
    throw new MlflowModelError(`${where}: pickled_model ${quoteFileValue(pickledModel)} is longer than any file path (${MAX_PICKLED_MODEL_CHARS} characters)`);
  }
  if (pickledModel.startsWith('/') || pickledModel.split(/[\\/]/).includes('..')) {
    throw new MlflowModelError(`${where}: pickled_model ${quoteFileValue(pickledModel)} points outside the model folder`);
  }
  const format = stringOf(sklearn.get('serialization_format'));
  if (format !== undefined && !READABLE_FORMATS.has(format)) {
    throw new MlflowModelError(`${where}: serialization_format ${quoteFileValue(format)} is not supported (pickle or cloudpickle only)`);
  }
  const info: MlflowModelInfo = { pickledModel };
  const sklearnVersion = stringOf(sklearn.get('sklearn_version'));
  const runId = stringOf(root.get('run_id'));
  const mlflowVersion = stringOf(root.get('mlflow_version'));
  return {
    ...info,
    ...(sklearnVersion !== undefined ? { sklearnVersion } : {}),
    ...(format !== undefined ? { serializationFormat: format } : {}),
    ...(runId !== undefined ? { runId } : {}),
    ...(mlflowVersion !== undefined ? { mlflowVersion } : {}),
  };
}

function listFlavours(flavors: YamlMap): string {
  const names = [...flavors.keys()];
  if (names.length === 0) return 'none';
  const listed = names.slice(0, MAX_LISTED_FLAVOURS).map((name) => quoteFileValue(name, { bare: true }));
  return names.length > MAX_LISTED_FLAVOURS ? `${listed.join(', ')} and ${names.length - MAX_LISTED_FLAVOURS} more` : listed.join(', ');
}

function stringOf(value: YamlValue | undefined): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

interface Line {
  readonly indent: number;
  readonly text: string;
  readonly number: number;
}

/**
 * Parses the block-style YAML subset `yaml.safe_dump` writes; the top level must be a mapping.
 * A leading byte-order mark is skipped (PyYAML does too); nesting deeper than {@link MAX_YAML_DEPTH}
 * is refused before the recursion could exhaust the stack; flow collections (`{…}`, `[…]`) throw
 * {@link UnsupportedYamlError}.
 */
export function parseYamlMapping(text: string): YamlMap {
  const source = text.startsWith('\ufeff') ? text.slice(1) : text;
  // Lines are split off on demand, so a refusal near the top costs nothing for the rest of the text.
  const lines: Line[] = [];
  let cursor = 0;
  let lineNumber = 0;
  const lineAt = (index: number): Line | undefined => {
    while (lines.length <= index && cursor <= source.length) {
      const newline = source.indexOf('\n', cursor);
      const stop = newline < 0 ? source.length : newline;
      const raw = source.slice(cursor, source.charCodeAt(stop - 1) === 0x0d && stop > cursor ? stop - 1 : stop);
      cursor = stop + 1;
      lineNumber++;
      if (raw.includes('\t') && /^\s*\t/.test(raw)) throw new Error(`line ${lineNumber}: tab indentation`);
      const trimmed = raw.trimEnd();
      const body = trimmed.trimStart();
      if (body === '' || body.startsWith('#') || body === '---' || body === '...') continue;
      lines.push({ indent: trimmed.length - body.length, text: body, number: lineNumber });
    }
    return lines[index];
  };
  let pos = 0;
  let depth = 0;
  /** Runs one nested block; the depth is checked on the way in, so the recursion stays shallow. */
  const nested = <T>(line: Line, read: () => T): T => {
    if (++depth > MAX_YAML_DEPTH) throw new Error(`line ${line.number}: nested deeper than ${MAX_YAML_DEPTH} levels`);
    try {
      return read();
    } finally {
      depth--;
    }
  };

  const parseBlock = (indent: number): YamlValue => {
    const first = lineAt(pos);
    if (!first || first.indent < indent) return null;
    if (first.text === '-' || first.text.startsWith('- ')) return nested(first, () => parseSequence(first.indent));
    return nested(first, () => parseMapping(first.indent));
  };

  const parseSequence = (indent: number): YamlValue[] => {
    const items: YamlValue[] = [];
    for (let line = lineAt(pos); line && line.indent === indent && (line.text === '-' || line.text.startsWith('- ')); line = lineAt(pos)) {
      pos++;
      const rest = line.text.slice(1).trim();
      if (rest === '') items.push(parseBlock(indent + 1));
      else if (/^[^'"[{][^:]*:(\s|$)/.test(rest)) {
        // "- key: value" starts an inline mapping: re-read it as a mapping indented past the dash.
        pos--;
        lines[pos] = { indent: indent + 2, text: rest, number: line.number };
        items.push(nested(line, () => parseMapping(indent + 2)));
      } else items.push(scalar(rest, continuation(indent), line.number));
    }
    return items;
  };

  const continuation = (indent: number): string[] => {
    const parts: string[] = [];
    for (let line = lineAt(pos); line && line.indent > indent; line = lineAt(pos)) {
      parts.push(line.text);
      pos++;
    }
    return parts;
  };

  const parseMapping = (indent: number): YamlMap => {
    const map: YamlMap = new Map();
    for (let line = lineAt(pos); line && line.indent === indent; line = lineAt(pos)) {
      if (isFlowStart(line.text)) throw flowStyle(line.number);
      const m = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s'"#][^:]*?)\s*:(?:\s+(.*))?$/.exec(line.text);
      if (!m) throw new Error(`line ${line.number}: expected "key: value"`);
      pos++;
      const key = scalar(m[1] ?? '', [], line.number) ?? 'null';
      if (typeof key !== 'string') throw new Error(`line ${line.number}: unsupported key`);
      const rest = (m[2] ?? '').trim();
      let value: YamlValue;
      if (rest === '' || rest.startsWith('#')) {
        const next = lineAt(pos);
        // A sequence may sit at the same indent as its key.
        if (next && (next.indent > indent || (next.indent === indent && (next.text === '-' || next.text.startsWith('- '))))) {
          value = parseBlock(next.indent);
        } else value = null;
      } else if (rest === '|' || rest === '>' || /^[|>][+-]?\d*$/.test(rest)) {
        const parts = continuation(indent);
        value = rest.startsWith('|') ? parts.join('\n') : parts.join(' ');
      } else {
        value = scalar(rest, continuation(indent), line.number);
      }
      map.set(key, value);
    }
    const stray = lineAt(pos);
    if (stray && stray.indent > indent) throw new Error(`line ${stray.number}: unexpected indentation`);
    return map;
  };

  const top = lineAt(0);
  if (!top) throw new Error('empty document');
  if (top.indent !== 0) throw new Error(`line ${top.number}: unexpected indentation`);
  const root = parseBlock(0);
  if (!(root instanceof Map)) throw new Error('the document is not a mapping');
  const rest = lineAt(pos);
  if (rest) throw new Error(`line ${rest.number}: unexpected content`);
  return root;
}

/** A flow scalar, joined with its continuation lines (YAML folds line breaks into spaces). */
function scalar(first: string, more: readonly string[], lineNumber: number): YamlValue {
  const joined = [first, ...more].join(' ');
  if (joined.startsWith("'")) {
    if (!joined.endsWith("'") || joined.length < 2) throw new Error(`line ${lineNumber}: unterminated quoted string`);
    return joined.slice(1, -1).replace(/''/g, "'");
  }
  if (joined.startsWith('"')) {
    try {
      const value: unknown = JSON.parse(joined);
      if (typeof value === 'string') return value;
    } catch {
      // fall through
    }
    throw new Error(`line ${lineNumber}: unsupported double-quoted string`);
  }
  const plain = joined.replace(/\s+#.*$/, '').trim();
  // A plain scalar cannot start with a flow indicator: this is a flow collection.
  if (isFlowStart(plain)) throw flowStyle(lineNumber);
  if (plain === '~' || plain === 'null' || plain === 'Null' || plain === 'NULL') return null;
  return plain;
}

function isFlowStart(text: string): boolean {
  return text.startsWith('{') || text.startsWith('[');
}

function flowStyle(lineNumber: number): UnsupportedYamlError {
  return new UnsupportedYamlError(`line ${lineNumber}: flow-style YAML ({…} or […]) is not supported; MLflow writes block style`);
}
