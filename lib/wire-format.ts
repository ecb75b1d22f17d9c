// superjson's wire format, the API's, written and read without superjson: the server writes what it
// returns with encodePlain (superjson's generic walk cost a third of an inbox call), and the browser
// reads and writes with these two instead of shipping superjson (4 KB gzip). Values superjson would
// annotate beyond Dates and undefined are the server's own business (it falls back to superjson);
// the browser reads the common ones and refuses the rest loudly.

/** superjson's serialized form: JSON plus, where needed, the paths of values JSON cannot say. */
export interface WireResult {
  json: unknown;
  meta?: { values?: unknown; referentialEqualities?: unknown; v?: number };
}

type Annotation = ['Date'] | ['undefined'];

class NotPlain extends Error {}
const MAX_DEPTH = 64;

/**
 * What superjson.serialize(value) gives, read the same by superjson.deserialize, for values made of
 * plain objects, arrays, strings, finite numbers, booleans, null, undefined and valid Dates; null for
 * anything else (Map, Set, bigint, class instances, NaN, keys with dots…).
 */
export function encodePlain(value: unknown): WireResult | null {
  const values: Record<string, Annotation> = {};
  let annotated = false;
  let root: Annotation | undefined;

  const walk = (v: unknown, path: string, inArray = false, depth = 0): void => {
    if (depth > MAX_DEPTH) throw new NotPlain(); // deeper than anything we return, or a cycle
    switch (typeof v) {
      case 'string':
      case 'boolean':
        return;
      case 'number':
        if (!Number.isFinite(v) || Object.is(v, -0)) throw new NotPlain();
        return;
      case 'undefined':
        // A property left out reads back as undefined; an array's hole needs saying.
        if (path === '') root = ['undefined'];
        else if (inArray) {
          values[path] = ['undefined'];
          annotated = true;
        }
        return;
      case 'object': {
        if (v === null) return;
        if (v instanceof Date) {
          if (Number.isNaN(v.getTime())) throw new NotPlain();
          if (path === '') root = ['Date'];
          else {
            values[path] = ['Date'];
            annotated = true;
          }
          return;
        }
        const prefix = path === '' ? '' : `${path}.`;
        if (Array.isArray(v)) {
          for (let i = 0; i < v.length; i++) walk(v[i], prefix + i, true, depth + 1);
          return;
        }
        const proto = Object.getPrototypeOf(v);
        if (proto !== Object.prototype && proto !== null) throw new NotPlain();
        for (const key in v) {
          if (key.includes('.') || key.includes('\\')) throw new NotPlain();
          walk((v as Record<string, unknown>)[key], prefix + key, false, depth + 1);
        }
        return;
      }
      default:
        throw new NotPlain(); // bigint, symbol, function
    }
  };

  try {
    walk(value, '');
  } catch (err) {
    if (err instanceof NotPlain) return null;
    throw err;
  }
  // JSON.stringify writes each Date as its ISO string and leaves undefined properties out
  // (superjson writes them as null with an annotation; either reads back as undefined).
  const json = (root ? (root[0] === 'Date' ? (value as Date).toISOString() : null) : value) as WireResult['json'];
  if (root) return { json, meta: { values: root, v: 1 } } as WireResult;
  return annotated ? ({ json, meta: { values, v: 1 } } as WireResult) : { json };
}

type Path = (string | number)[];

/** A superjson path key ("a.0.b", dots in keys escaped with a backslash) as its steps. */
function parsePath(key: string): string[] {
  const steps: string[] = [];
  let step = '';
  for (let i = 0; i < key.length; i++) {
    const c = key[i];
    if (c === '\\' && (key[i + 1] === '.' || key[i + 1] === '\\')) step += key[++i];
    else if (c === '.') {
      steps.push(step);
      step = '';
    } else step += c;
  }
  steps.push(step);
  return steps;
}

/** Each annotation of superjson's tree with its path, children before their parent (as superjson applies them). */
function eachAnnotation(tree: unknown, visit: (type: unknown, path: Path) => void, origin: Path = []): void {
  if (!tree || typeof tree !== 'object') return;
  if (!Array.isArray(tree)) {
    for (const [key, subtree] of Object.entries(tree)) eachAnnotation(subtree, visit, [...origin, ...parsePath(key)]);
    return;
  }
  const [type, children] = tree as [unknown, Record<string, unknown> | undefined];
  if (children) for (const [key, child] of Object.entries(children)) eachAnnotation(child, visit, [...origin, ...parsePath(key)]);
  visit(type, origin);
}

function untransform(value: unknown, type: unknown): unknown {
  switch (type) {
    case 'undefined':
      return undefined;
    case 'Date':
      return new Date(value as string);
    case 'bigint':
      return BigInt(value as string);
    case 'number':
      return Number(value); // NaN, Infinity, -Infinity, -0 travel as strings
    case 'set':
      return new Set(value as unknown[]);
    case 'map':
      return new Map(value as [unknown, unknown][]);
    default:
      throw new Error(`the API sent a value of a kind this client cannot read (${JSON.stringify(type)})`);
  }
}

function setAt(root: unknown, path: Path, change: (v: unknown) => unknown): unknown {
  if (path.length === 0) return change(root);
  let parent = root as Record<string | number, unknown>;
  for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  parent[last] = change(parent[last]);
  return root;
}

/** What superjson.deserialize gives for the wire format (shared references come back as copies). */
export function decodeWire<T = unknown>({ json, meta }: WireResult): T {
  let value = json;
  if (meta?.values) eachAnnotation(meta.values, (type, path) => (value = setAt(value, path, (v) => untransform(v, type))));
  return value as T;
}
