/**
 * Reads an MLflow `MLmodel` file: the sklearn flavour's `pickled_model`, `sklearn_version`,
 * `serialization_format`, and the `run_id`. MLmodel is YAML written by `yaml.safe_dump`; it is read
 * by the maintained `yaml` package, not by hand: capped in size first, then scanned by the
 * package's lexer (linear) for what this reader refuses before the parser sees it (flow
 * collections, which MLflow never writes, and nesting deeper than {@link MAX_YAML_DEPTH} on one
 * line), then parsed with the failsafe schema (every scalar a string, as the loader wants them).
 */
import { CST, LineCounter, Lexer, isAlias, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Node as YamlNode } from 'yaml';
import { quote } from '../quote.js';
import { MlflowModelError } from './errors.js';

export interface MlflowModelInfo {
  /** File of the pickled model inside the folder, e.g. `model.pkl`. */
  readonly pickledModel: string;
  readonly sklearnVersion?: string;
  /** `cloudpickle` or `pickle`. */
  readonly serializationFormat?: string;
  readonly runId?: string;
  readonly mlflowVersion?: string;
  /** The named input columns of the model's signature (`signature.inputs`), when it has a column-based one. */
  readonly signatureInputs?: readonly SignatureColumn[];
}

/** One input column of an MLflow signature: its name and MLflow type (`string`, `long`, `double`, `datetime`, …). */
export interface SignatureColumn {
  readonly name: string;
  readonly type: string;
}

export type YamlValue = string | null | YamlValue[] | YamlMap;
export type YamlMap = Map<string, YamlValue>;

const READABLE_FORMATS = new Set(['cloudpickle', 'pickle']);
/** Deepest nesting of block mappings/sequences read; `yaml.safe_dump` of an MLmodel nests about 5 deep. */
export const MAX_YAML_DEPTH = 64;
/**
 * Longest MLmodel read, in characters. MLflow's own are a few kB (a signature of a thousand columns
 * is about 60 kB); the cap bounds the parse, whose worst case at this size is about half a second.
 */
export const MAX_MLMODEL_CHARS = 256 * 1024;
/** Longest `pickled_model` accepted: Linux's PATH_MAX; no longer name can be opened. */
export const MAX_PICKLED_MODEL_CHARS = 4096;
/** Flavour names an error message lists before summarising the rest. */
const MAX_LISTED_FLAVOURS = 10;

/** Valid YAML that this reader leaves out (flow collections, aliases); MLflow never writes it. */
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
    throw new MlflowModelError(`${where}: pickled_model ${quote(pickledModel)} is longer than any file path (${MAX_PICKLED_MODEL_CHARS} characters)`);
  }
  if (pickledModel.startsWith('/') || pickledModel.split(/[\\/]/).includes('..')) {
    throw new MlflowModelError(`${where}: pickled_model ${quote(pickledModel)} points outside the model folder`);
  }
  const format = stringOf(sklearn.get('serialization_format'));
  if (format !== undefined && !READABLE_FORMATS.has(format)) {
    throw new MlflowModelError(`${where}: serialization_format ${quote(format)} is not supported (pickle or cloudpickle only)`);
  }
  const info: MlflowModelInfo = { pickledModel };
  const sklearnVersion = stringOf(sklearn.get('sklearn_version'));
  const runId = stringOf(root.get('run_id'));
  const mlflowVersion = stringOf(root.get('mlflow_version'));
  const signatureInputs = signatureColumns(root.get('signature'), where);
  return {
    ...info,
    ...(sklearnVersion !== undefined ? { sklearnVersion } : {}),
    ...(format !== undefined ? { serializationFormat: format } : {}),
    ...(runId !== undefined ? { runId } : {}),
    ...(mlflowVersion !== undefined ? { mlflowVersion } : {}),
    ...(signatureInputs !== undefined ? { signatureInputs } : {}),
  };
}

/**
 * The named columns of `signature.inputs`, a JSON text MLflow writes for a column-based signature
 * (`[{"name": "PU_DO", "type": "string"}, …]`); undefined without a signature or for a tensor-based
 * one (its inputs have no names).
 *
 * @throws {MlflowModelError} when `signature.inputs` is not the JSON MLflow writes
 */
function signatureColumns(signature: YamlValue | undefined, where: string): SignatureColumn[] | undefined {
  if (!(signature instanceof Map)) return undefined;
  const inputs = stringOf(signature.get('inputs'));
  if (inputs === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(inputs);
  } catch (cause) {
    throw new MlflowModelError(`${where}: signature.inputs is not JSON: ${quote((cause as Error).message, { bare: true })}`, { cause });
  }
  if (!Array.isArray(parsed)) throw new MlflowModelError(`${where}: signature.inputs is not a list of columns`);
  const columns: SignatureColumn[] = [];
  for (const column of parsed as unknown[]) {
    const { name, type } = (typeof column === 'object' && column !== null ? column : {}) as { name?: unknown; type?: unknown };
    if (type === 'tensor') return undefined;
    if (typeof name === 'string' && typeof type === 'string') columns.push({ name, type });
  }
  return columns;
}

function listFlavours(flavors: YamlMap): string {
  const names = [...flavors.keys()];
  if (names.length === 0) return 'none';
  const listed = names.slice(0, MAX_LISTED_FLAVOURS).map((name) => quote(name, { bare: true }));
  return names.length > MAX_LISTED_FLAVOURS ? `${listed.join(', ')} and ${names.length - MAX_LISTED_FLAVOURS} more` : listed.join(', ');
}

function stringOf(value: YamlValue | undefined): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/**
 * Parses MLmodel YAML whose top level must be a mapping, into maps, arrays and strings (plain
 * `~`/`null`/empty scalars become null, as PyYAML reads them). A leading byte-order mark is skipped;
 * text over {@link MAX_MLMODEL_CHARS}, nesting deeper than {@link MAX_YAML_DEPTH} and invalid YAML
 * throw an Error naming the line; flow collections (`{…}`, `[…]`) and aliases throw
 * {@link UnsupportedYamlError}.
 *
 * @example
 * ```ts
 * parseYamlMapping('flavors:\n  sklearn:\n    pickled_model: model.pkl\n').get('flavors'); // Map { 'sklearn' => Map {…} }
 * ```
 */
export function parseYamlMapping(text: string): YamlMap {
  // The scan first: it refuses deep or flow-style text at its first lines, however long the rest.
  scanTokens(text);
  if (text.length > MAX_MLMODEL_CHARS) throw new Error(`${text.length} characters, more than the ${MAX_MLMODEL_CHARS} an MLmodel may have`);
  const lineCounter = new LineCounter();
  // uniqueKeys off: PyYAML keeps the last of duplicate keys, and the check is quadratic.
  const doc = parseDocument(text, { schema: 'failsafe', uniqueKeys: false, lineCounter, prettyErrors: false });
  const [error] = doc.errors;
  if (error) {
    const line = lineCounter.linePos(error.pos[0]).line;
    throw new Error(`line ${line}: ${firstLine(error.message)}`);
  }
  const root = doc.contents;
  if (root === null) throw new Error('empty document');
  if (isScalar(root)) throw new Error(`line ${lineOf(lineCounter, root)}: expected "key: value", found a scalar`);
  if (!isMap(root)) throw new Error('the document is not a mapping');
  return toValue(root, lineCounter, 1) as YamlMap;
}

/** A line of block content as {@link scanTokens} nests it. */
interface OpenLine {
  readonly indent: number;
  /** The line starts with `- `: a sequence item (a sequence may sit at its parent key's indent). */
  readonly seqItem: boolean;
  /** Collections open at the end of the line: its parent's, plus one per block indicator on it. */
  depth: number;
}

/**
 * One linear pass of the `yaml` lexer, before the parser (whose time grows faster than linearly
 * with nesting, and whose recursion can exhaust the stack): flow collections are refused by their
 * first bracket, and nesting deeper than {@link MAX_YAML_DEPTH} by the line that reaches it. A
 * line's depth is its parent line's (the last line less indented, or a key line at its own indent
 * when it is a sequence item) plus its block indicators (`-`, `?`, `:`), at least one; it can
 * only over-count the parser's. The scan stops at the first refusal, so a huge hostile text costs
 * no more than its first lines.
 */
function scanTokens(text: string): void {
  let line = 1;
  let lineStart = true;
  let indent = 0;
  let indicators = 0;
  let current: OpenLine | undefined;
  const open: OpenLine[] = [];
  for (const token of new Lexer().lex(text)) {
    const type = CST.tokenType(token);
    if (type === 'newline') {
      line++;
      lineStart = true;
      indent = 0;
      continue;
    }
    if (lineStart && type === 'space') {
      indent = token.length;
      continue;
    }
    if (lineStart && type !== 'comment' && type !== 'doc-mode' && type !== 'byte-order-mark') {
      lineStart = false;
      const seqItem = type === 'seq-item-ind';
      for (let top = open[open.length - 1]; top; top = open[open.length - 1]) {
        if (top.indent < indent || (top.indent === indent && seqItem && !top.seqItem)) break;
        open.pop();
      }
      const parent = open[open.length - 1]?.depth ?? 0;
      current = { indent, seqItem, depth: parent + 1 };
      indicators = 0;
      open.push(current);
    }
    if (type === 'flow-map-start' || type === 'flow-seq-start') throw flowStyle(line);
    if (current && (type === 'seq-item-ind' || type === 'explicit-key-ind' || type === 'map-value-ind') && ++indicators > 1) current.depth++;
    if (current && current.depth > MAX_YAML_DEPTH) throw new Error(`line ${line}: nested deeper than ${MAX_YAML_DEPTH} levels`);
    // Scalars may span lines (quoted, wrapped, block scalars): their line breaks are not line starts.
    if (type !== 'scalar' && type !== 'doc-mode') for (let at = token.indexOf('\n'); at >= 0; at = token.indexOf('\n', at + 1)) line++;
  }
}

function toValue(node: YamlNode, lines: LineCounter, depth: number): YamlValue {
  if (depth > MAX_YAML_DEPTH) throw new Error(`line ${lineOf(lines, node)}: nested deeper than ${MAX_YAML_DEPTH} levels`);
  if (isScalar(node)) {
    const value = String(node.value);
    return node.type === 'PLAIN' && NULLS.has(value) ? null : value;
  }
  if (isMap(node)) {
    const map: YamlMap = new Map();
    for (const pair of node.items) {
      const key = pair.key === null ? null : toValue(pair.key as YamlNode, lines, depth + 1);
      if (key !== null && typeof key !== 'string') throw new Error(`line ${lineOf(lines, pair.key as YamlNode)}: unsupported key`);
      map.set(key ?? 'null', pair.value === null ? null : toValue(pair.value as YamlNode, lines, depth + 1));
    }
    return map;
  }
  if (isSeq(node)) return node.items.map((item) => (item === null ? null : toValue(item as YamlNode, lines, depth + 1)));
  if (isAlias(node)) throw new UnsupportedYamlError(`line ${lineOf(lines, node)}: YAML aliases are not supported; MLflow does not write them`);
  throw new Error(`line ${lineOf(lines, node)}: unsupported YAML node`);
}

/** Plain scalars PyYAML reads as None (the empty one included). */
const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);

function lineOf(lines: LineCounter, node: YamlNode): number {
  return lines.linePos(node.range?.[0] ?? 0).line;
}

/** The first line of a `yaml` error message, without its position (the caller gives the line). */
function firstLine(message: string): string {
  const first = message.split('\n', 1)[0] ?? '';
  return first.replace(/ at line \d+, column \d+:?$/, '').slice(0, 200);
}

function flowStyle(lineNumber: number): UnsupportedYamlError {
  return new UnsupportedYamlError(`line ${lineNumber}: flow-style YAML ({…} or […]) is not supported; MLflow writes block style`);
}
