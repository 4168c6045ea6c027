/**
 * Hostile model files of the kinds found by the adversarial review (issue 16), assembled with
 * {@link PickleBuilder}: each is small (about a megabyte at most) and makes a naive reader spend
 * unbounded time or memory. The hostile-file tests build them in memory; to inspect or measure them
 * by hand, write them out:
 *
 * ```sh
 * npx tsx test/model/hostile-pickles.ts /tmp/hostile   # one <kind>.pkl per kind
 * npx tsx test/model/hostile-measure.ts                # time and peak RSS of loading each
 * ```
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { OP } from '../../lambda/model/pickle/index.js';
import { PickleBuilder, f64Bytes } from './pickle-builder.js';

/** What loading a hostile file must end in: a working model, or a refusal naming the limit. */
export type HostileOutcome = 'loads' | 'refused';

export interface HostileKind {
  readonly name: string;
  readonly what: string;
  readonly outcome: HostileOutcome;
  readonly build: () => Uint8Array;
}

/** A pickle builder that also numbers memo slots (LONG_BINPUT / LONG_BINGET with explicit indexes). */
class Builder extends PickleBuilder {
  private slots = 0;
  /** Stores the top of the stack in a new memo slot; returns the slot. */
  put(): number {
    const slot = this.slots++;
    this.op(OP.LONG_BINPUT).raw(this.u32(slot));
    return slot;
  }
  get(slot: number): this {
    return this.op(OP.LONG_BINGET).raw(this.u32(slot));
  }
  /** Pushes a list of `n` items, `item(b, k)` pushing item `k`, appended 1,000 at a time (the stack is bounded). */
  list(n: number, item: (b: this, k: number) => void): this {
    this.op(OP.EMPTY_LIST);
    for (let k = 0; k < n; k += 1000) {
      this.mark();
      for (let j = k; j < Math.min(n, k + 1000); j++) item(this, j);
      this.op(OP.APPENDS);
    }
    return this;
  }
  /** Pushes a str → value dict; `values` push one value each. */
  dict(entries: readonly (readonly [string, (b: this) => void])[]): this {
    this.op(OP.EMPTY_DICT).mark();
    for (const [key, value] of entries) {
      this.str(key);
      value(this);
    }
    return this.op(OP.SETITEMS);
  }
  /** `cls()` by NEWOBJ, then BUILD with a dict state. */
  instance(module: string, name: string, state: readonly (readonly [string, (b: this) => void])[]): this {
    this.global(module, name).op(OP.EMPTY_TUPLE).op(OP.NEWOBJ);
    return this.dict(state).build();
  }
}

// Eight columns a ride can feed (the model contract refuses names no ride provides), sorted.
const FEATURES = ['PU_DO=1_1', 'PU_DO=1_2', 'PU_DO=1_3', 'PU_DO=1_4', 'PU_DO=1_5', 'PU_DO=1_6', 'PU_DO=1_7', 'trip_distance'];

/** A DictVectorizer over {@link FEATURES}. */
function dictVectorizer(b: Builder): void {
  b.instance('sklearn.feature_extraction._dict_vectorizer', 'DictVectorizer', [
    ['vocabulary_', (d) => d.dict(FEATURES.map((name, i) => [name, (v) => v.int(i)] as const))],
    ['feature_names_', (d) => { d.op(OP.EMPTY_LIST).mark(); for (const name of FEATURES) d.str(name); d.op(OP.APPENDS); }],
    ['separator', (d) => d.str('=')],
  ]);
}

/** Records of `sklearn.tree._tree.NODE_DTYPE` (scikit-learn < 1.3, 56 bytes). */
const NODE_FIELDS = [
  ['left_child', '<i8', 0],
  ['right_child', '<i8', 8],
  ['feature', '<i8', 16],
  ['threshold', '<f8', 24],
  ['impurity', '<f8', 32],
  ['n_node_samples', '<i8', 40],
  ['weighted_n_node_samples', '<f8', 48],
] as const;
const NODE_BYTES = 56;

/** A complete binary tree of `count` nodes in breadth-first order (children after parents). */
function treeArrays(count: number): { nodes: Uint8Array; values: Uint8Array } {
  const nodes = new Uint8Array(count * NODE_BYTES);
  const view = new DataView(nodes.buffer);
  for (let i = 0; i < count; i++) {
    const at = i * NODE_BYTES;
    const inner = 2 * i + 2 < count;
    view.setBigInt64(at, BigInt(inner ? 2 * i + 1 : -1), true);
    view.setBigInt64(at + 8, BigInt(inner ? 2 * i + 2 : -1), true);
    view.setBigInt64(at + 16, BigInt(inner ? i % FEATURES.length : -2), true);
    view.setFloat64(at + 24, inner ? (i % 7) / 2 : -2, true);
  }
  const values = f64Bytes(Array.from({ length: count }, (_, i) => i / 4));
  return { nodes, values };
}

/** `Tree(n_features, n_classes, n_outputs)` with BUILD {max_depth, node_count, nodes, values}; `nodes`/`values` push the arrays. */
function tree(b: Builder, count: number, nodes: (b: Builder) => void, values: (b: Builder) => void): void {
  b.global('sklearn.tree._tree', 'Tree').mark().int(FEATURES.length).int(1).int(1).tuple().reduce();
  b.dict([
    ['max_depth', (d) => d.int(Math.ceil(Math.log2(count + 1)))],
    ['node_count', (d) => d.int(count)],
    ['nodes', nodes],
    ['values', values],
  ]).build();
}

function nodesArray(b: Builder, count: number, data: Uint8Array): void {
  b.ndarray([count], (d) => d.structuredDtype(NODE_FIELDS, NODE_BYTES), false, (d) => d.bytesArg(data));
}
function valuesArray(b: Builder, count: number, data: Uint8Array): void {
  b.ndarray([count, 1, 1], (d) => d.dtype('f8'), false, (d) => d.bytesArg(data));
}

function decisionTree(b: Builder, treeTo: (b: Builder) => void): void {
  b.instance('sklearn.tree._classes', 'DecisionTreeRegressor', [
    ['tree_', treeTo],
    ['n_features_in_', (d) => d.int(FEATURES.length)],
  ]);
}

/** `(DictVectorizer, RandomForestRegressor)` whose `estimators_` is `n` items pushed by `estimator(b, k)`. */
function forest(n: number, first: (b: Builder) => void, estimator: (b: Builder, k: number) => void): Uint8Array {
  const b = new Builder(4);
  dictVectorizer(b);
  first(b);
  b.op(OP.POP);
  b.instance('sklearn.ensemble._forest', 'RandomForestRegressor', [
    ['estimators_', (d) => d.list(n, estimator)],
  ]);
  return b.op(OP.TUPLE2).stop();
}

/**
 * A forest of `n` estimators around one memoised object: `shared` pushes it (given a function
 * pushing a {@link TREE_NODES}-node Tree), `estimator` pushes each estimator given its memo slot.
 */
function sharedForest(n: number, shared: (b: Builder, tree: (b: Builder) => void) => void, estimator: (b: Builder, slot: number) => void): Uint8Array {
  const { nodes, values } = treeArrays(TREE_NODES);
  let slot = 0;
  return forest(
    n,
    (b) => {
      shared(b, (t) => tree(t, TREE_NODES, (a) => nodesArray(a, TREE_NODES, nodes), (a) => valuesArray(a, TREE_NODES, values)));
      slot = b.put();
    },
    (b) => estimator(b, slot),
  );
}

const TREE_NODES = 8191;
const REFERENCES = 20_000;
const MIB = 1024 * 1024;

/** Every hostile kind; `loads` ones are legal models a reader must load within the bounds. */
export const HOSTILE_KINDS: readonly HostileKind[] = [
  {
    name: 'forest-shared-estimator',
    what: `a RandomForest whose estimators_ is ${REFERENCES} references to one ${TREE_NODES}-node DecisionTreeRegressor`,
    outcome: 'loads',
    build: () => sharedForest(REFERENCES, (b, tree) => decisionTree(b, tree), (b, slot) => void b.get(slot)),
  },
  {
    name: 'forest-shared-tree',
    what: `a RandomForest of ${REFERENCES} DecisionTreeRegressors whose tree_ is one ${TREE_NODES}-node Tree`,
    outcome: 'loads',
    build: () => sharedForest(REFERENCES, (b, tree) => tree(b), (b, slot) => decisionTree(b, (t) => void t.get(slot))),
  },
  {
    name: 'forest-shared-arrays',
    what: `a RandomForest of ${REFERENCES / 4} distinct Trees sharing one ${TREE_NODES}-node nodes and values array`,
    outcome: 'loads',
    build: () => {
      const { nodes, values } = treeArrays(TREE_NODES);
      let nodesSlot = 0;
      let valuesSlot = 0;
      return forest(
        REFERENCES / 4,
        (b) => {
          b.mark();
          nodesArray(b, TREE_NODES, nodes);
          nodesSlot = b.put();
          valuesArray(b, TREE_NODES, values);
          valuesSlot = b.put();
          b.op(OP.TUPLE);
        },
        (b) => decisionTree(b, (t) => tree(t, TREE_NODES, (n) => void n.get(nodesSlot), (v) => void v.get(valuesSlot))),
      );
    },
  },
  {
    name: 'codecs-encode-repeat',
    what: 'one memoised 1 MiB str re-encoded 2,000 times through _codecs.encode',
    outcome: 'refused',
    build: () => {
      const b = new Builder(2);
      b.str('x'.repeat(MIB));
      const text = b.put();
      return b.list(2_000, (d) => d.globalText('_codecs', 'encode').get(text).str('latin1').op(OP.TUPLE2).reduce()).stop();
    },
  },
  {
    name: 'set-from-memo-list',
    what: 'one memoised list of 100,000 ints made into a set 2,000 times',
    outcome: 'refused',
    build: () => setsFromList('set'),
  },
  {
    name: 'frozenset-from-memo-list',
    what: 'one memoised list of 100,000 ints made into a frozenset 2,000 times',
    outcome: 'refused',
    build: () => setsFromList('frozenset'),
  },
  {
    name: 'build-merge-repeat',
    what: 'one memoised 100,000-entry state dict merged into 5,000 objects by BUILD',
    outcome: 'refused',
    build: () => {
      const b = new Builder(4);
      b.op(OP.EMPTY_DICT);
      for (let k = 0; k < 100_000; k += 1000) {
        b.mark();
        for (let i = k; i < k + 1000; i++) b.str(`k${i}`).int(i);
        b.op(OP.SETITEMS);
      }
      const state = b.put();
      b.op(OP.POP);
      return b.list(5_000, (d) => d.global('sklearn.pipeline', 'Pipeline').op(OP.EMPTY_TUPLE).op(OP.NEWOBJ).get(state).build()).stop();
    },
  },
  {
    name: 'ndarray-shared-bytes',
    what: 'one memoised 1 MiB bytes object claimed by 2,000 float64 arrays',
    outcome: 'refused',
    build: () => {
      const b = new Builder(4);
      b.bytesArg(new Uint8Array(MIB));
      const data = b.put();
      b.op(OP.POP);
      return b.list(2_000, (d) => d.ndarray([MIB / 8], (a) => a.dtype('f8'), false, (a) => void a.get(data))).stop();
    },
  },
  {
    name: 'long4-400k',
    what: 'a 400 kB LONG4 integer',
    outcome: 'refused',
    build: () => long4(400_000),
  },
  {
    name: 'long4-200k',
    what: 'a 200 kB LONG4 integer',
    outcome: 'refused',
    build: () => long4(200_000),
  },
];

function setsFromList(kind: 'set' | 'frozenset'): Uint8Array {
  const b = new Builder(2);
  b.list(100_000, (d, i) => void d.int(i));
  const list = b.put();
  b.op(OP.POP);
  return b.list(2_000, (d) => d.globalText('builtins', kind).get(list).op(OP.TUPLE1).reduce()).stop();
}

function long4(bytes: number): Uint8Array {
  const b = new Builder(2);
  const digits = new Uint8Array(bytes).map((_, i) => (i * 131 + 7) & 0x7f);
  return b.op(OP.LONG4).raw(b.u32(bytes)).raw(digits).stop();
}

/** `npx tsx test/model/hostile-pickles.ts <dir>`: writes `<dir>/<kind>.pkl` for every kind. */
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: tsx test/model/hostile-pickles.ts <output dir>');
  mkdirSync(dir, { recursive: true });
  for (const kind of HOSTILE_KINDS) {
    const bytes = kind.build();
    writeFileSync(join(dir, `${kind.name}.pkl`), bytes);
    console.log(`${kind.name}.pkl  ${bytes.length} bytes  ${kind.what}`);
  }
}
