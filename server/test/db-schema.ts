// The shape of a database (tables, columns, keys, indexes, foreign keys, enums) as the Prisma schema
// describes it and as PostgreSQL has it, flattened so the two can be compared entry by entry.
import { createRequire } from 'node:module';
import type pg from 'pg';

/** `table.kind.name` → a description of that entry; two shapes agree when these maps are equal. */
export type SchemaShape = Map<string, string>;

// Prisma's SQL names for its scalar types on PostgreSQL, when a field has no @db attribute.
const DEFAULT_TYPES: Record<string, string> = {
  String: 'text',
  Boolean: 'boolean',
  Int: 'integer',
  BigInt: 'bigint',
  Float: 'double precision',
  Decimal: 'numeric(65,30)',
  DateTime: 'timestamp(3) without time zone',
  Json: 'jsonb',
  Bytes: 'bytea',
};

// @db.X(args) → the type as PostgreSQL's format_type() spells it.
function nativeType(name: string, args: string[]): string {
  const p = args.length > 0 ? `(${args.join(',')})` : '';
  const simple: Record<string, string> = {
    Uuid: 'uuid',
    Text: 'text',
    SmallInt: 'smallint',
    Integer: 'integer',
    BigInt: 'bigint',
    DoublePrecision: 'double precision',
    Real: 'real',
    Money: 'money',
    Boolean: 'boolean',
    Date: 'date',
    Json: 'json',
    JsonB: 'jsonb',
    ByteA: 'bytea',
    Xml: 'xml',
    Inet: 'inet',
    Citext: 'citext',
    Oid: 'oid',
  };
  if (simple[name]) return simple[name];
  switch (name) {
    case 'VarChar':
      return `character varying${p}`;
    case 'Char':
      return `character${p || '(1)'}`;
    case 'Decimal':
      return `numeric${p}`;
    case 'Bit':
      return `bit${p || '(1)'}`;
    case 'VarBit':
      return `bit varying${p}`;
    case 'Timestamp':
      return `timestamp${p} without time zone`;
    case 'Timestamptz':
      return `timestamp${p} with time zone`;
    case 'Time':
      return `time${p} without time zone`;
    case 'Timetz':
      return `time${p} with time zone`;
  }
  throw new Error(`db-schema: native type @db.${name} is not mapped yet; add it to nativeType()`);
}

const ACTIONS: Record<string, string> = {
  Cascade: 'CASCADE',
  Restrict: 'RESTRICT',
  NoAction: 'NO ACTION',
  SetNull: 'SET NULL',
  SetDefault: 'SET DEFAULT',
};

interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: 'scalar' | 'enum' | 'object' | 'unsupported';
  type: string;
  isList: boolean;
  isRequired: boolean;
  hasDefaultValue: boolean;
  default?: unknown;
  nativeType?: [string, string[]] | null;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
  relationOnUpdate?: string;
}

interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
}

interface DmmfIndex {
  model: string;
  type: 'id' | 'unique' | 'normal' | 'fulltext';
  dbName?: string | null;
  fields: { name: string }[];
}

interface Dmmf {
  datamodel: {
    models: DmmfModel[];
    enums: { name: string; dbName: string | null; values: { name: string; dbName: string | null }[] }[];
    indexes: DmmfIndex[];
  };
}

const require = createRequire(import.meta.url);

function parseSchema(prismaSchema: string): Dmmf {
  const wasm = require('@prisma/prisma-schema-wasm') as { get_dmmf(params: string): string };
  const dmmf = JSON.parse(wasm.get_dmmf(JSON.stringify({ prismaSchema }))) as Dmmf;
  for (const model of dmmf.datamodel.models) model.fields.push(...unsupportedFields(prismaSchema, model.name));
  return dmmf;
}

/**
 * The DMMF leaves out Unsupported("type") fields (a column Prisma Client never reads, such as a
 * generated tsvector); read them from the model's text: `name Unsupported("t")? @default(dbgenerated("…")) @map("col")`.
 */
function unsupportedFields(prismaSchema: string, modelName: string): DmmfField[] {
  const body = new RegExp(`^model ${modelName} \\{([\\s\\S]*?)^\\}`, 'm').exec(prismaSchema)?.[1] ?? '';
  return [...body.matchAll(/^\s*(\w+)\s+Unsupported\("([^"]+)"\)(\?)?(.*)$/gm)].map(([, name, type, optional, rest]) => {
    const generated = /@default\(dbgenerated\("((?:[^"\\]|\\.)*)"\)\)/.exec(rest)?.[1];
    return {
      name,
      dbName: /@map\("([^"]+)"\)/.exec(rest)?.[1] ?? null,
      kind: 'unsupported',
      type,
      isList: false,
      isRequired: optional !== '?',
      hasDefaultValue: generated !== undefined,
      default: generated === undefined ? undefined : { name: 'dbgenerated', args: [generated] },
    };
  });
}

/** How a column default reads, in the words both sides can be brought to. */
function expectedDefault(field: DmmfField): string | null {
  if (!field.hasDefaultValue) return null;
  const d = field.default;
  if (d !== null && typeof d === 'object' && 'name' in d) {
    const fn = d as { name: string; args: unknown[] };
    if (fn.name === 'now') return 'CURRENT_TIMESTAMP';
    if (fn.name === 'autoincrement') return 'autoincrement()';
    if (fn.name === 'dbgenerated') return String(fn.args[0] ?? '');
    return null; // uuid(), cuid(), nanoid(), ulid(): made by Prisma Client, no database default
  }
  return typeof d === 'string' && field.type !== 'BigInt' && field.type !== 'Int' ? `'${d.replace(/'/g, "''")}'` : String(d);
}

function actualDefault(expr: string | null): string | null {
  if (expr === null) return null;
  if (expr.startsWith('nextval(')) return 'autoincrement()';
  // Drop the casts PostgreSQL adds ('x'::text, '-1'::integer, 'ONE'::"E"), and quotes around numbers.
  const bare = expr.replace(/::(?:"[^"]+"|[a-z_ ]+(?:\(\d+(?:,\d+)?\))?)(?:\[\])?$/i, '');
  return /^'-?\d+(\.\d+)?'$/.test(bare) ? bare.slice(1, -1) : bare;
}

// Prisma's default constraint and index names.
function checkedName(name: string): string {
  if (name.length > 63) throw new Error(`db-schema: ${name} is longer than PostgreSQL's 63 characters; give it a map: name`);
  return name;
}

/** The shape prisma/schema.prisma describes. */
export function shapeFromPrismaSchema(prismaSchema: string): SchemaShape {
  const { datamodel } = parseSchema(prismaSchema);
  const shape: SchemaShape = new Map();
  const tableOf = new Map(datamodel.models.map((m) => [m.name, m.dbName ?? m.name]));
  const enumOf = new Map(datamodel.enums.map((e) => [e.name, e.dbName ?? e.name]));

  for (const e of datamodel.enums) {
    shape.set(`enum ${e.dbName ?? e.name}`, e.values.map((v) => v.dbName ?? v.name).join(', '));
  }

  for (const model of datamodel.models) {
    const table = tableOf.get(model.name)!;
    const column = new Map(model.fields.map((f) => [f.name, f.dbName ?? f.name]));
    shape.set(`${table}`, 'table');
    for (const f of model.fields) {
      if (f.kind === 'object') continue;
      const base =
        f.kind === 'enum'
          ? enumOf.get(f.type)!
          : f.kind === 'unsupported'
            ? f.type // Unsupported("tsvector"): the type as PostgreSQL names it
            : f.nativeType
              ? nativeType(f.nativeType[0], f.nativeType[1])
              : DEFAULT_TYPES[f.type];
      if (!base) throw new Error(`db-schema: type ${f.type} of ${model.name}.${f.name} is not mapped yet`);
      const type = f.isList ? `${base}[]` : base;
      shape.set(`${table}.column ${column.get(f.name)}`, describeColumn(type, f.isRequired || f.isList, expectedDefault(f)));
    }
    for (const f of model.fields) {
      if (f.kind !== 'object' || !f.relationFromFields?.length) continue;
      const from = f.relationFromFields.map((n) => column.get(n)!);
      const target = datamodel.models.find((m) => m.name === f.type)!;
      const targetColumn = new Map(target.fields.map((t) => [t.name, t.dbName ?? t.name]));
      const required = f.relationFromFields.every((n) => model.fields.find((x) => x.name === n)!.isRequired);
      // Custom @relation(map:) names are not in the DMMF: foreign keys must keep Prisma's default names.
      shape.set(
        `${table}.foreign key ${checkedName(`${table}_${from.join('_')}_fkey`)}`,
        describeForeignKey(
          from,
          tableOf.get(target.name)!,
          f.relationToFields!.map((n) => targetColumn.get(n)!),
          ACTIONS[f.relationOnDelete ?? (required ? 'Restrict' : 'SetNull')],
          ACTIONS[f.relationOnUpdate ?? 'Cascade'],
        ),
      );
    }
  }

  for (const index of datamodel.indexes) {
    const model = datamodel.models.find((m) => m.name === index.model)!;
    const table = tableOf.get(model.name)!;
    const columns = index.fields.map((ix) => {
      const f = model.fields.find((x) => x.name === ix.name)!;
      return f.dbName ?? f.name;
    });
    if (index.type === 'id') {
      shape.set(`${table}.primary key`, describeKey(index.dbName ?? checkedName(`${table}_pkey`), columns));
    } else if (index.type === 'unique' || index.type === 'normal') {
      const suffix = index.type === 'unique' ? 'key' : 'idx';
      const name = index.dbName ?? checkedName(`${table}_${columns.join('_')}_${suffix}`);
      shape.set(`${table}.index ${name}`, describeIndex(index.type === 'unique', columns));
    } else {
      throw new Error(`db-schema: ${index.type} indexes are not compared yet`);
    }
  }
  return shape;
}

/** The shape of the database's current schema (Prisma's own _prisma_migrations left out). */
export async function shapeFromDatabase(client: pg.Client): Promise<SchemaShape> {
  const shape: SchemaShape = new Map();
  const tableFilter = `n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND c.relname <> '_prisma_migrations'`;

  const enums = await client.query<{ name: string; values: string[] }>(`
    SELECT t.typname AS name, array(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder) AS values
    FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname = current_schema() AND t.typtype = 'e'`);
  for (const e of enums.rows) shape.set(`enum ${e.name}`, e.values.join(', '));

  const columns = await client.query<{ table: string; column: string; type: string; not_null: boolean; default: string | null }>(`
    SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type,
           a.attnotnull AS not_null, pg_get_expr(d.adbin, d.adrelid) AS default
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
    WHERE ${tableFilter}`);
  for (const c of columns.rows) {
    shape.set(`${c.table}`, 'table');
    shape.set(`${c.table}.column ${c.column}`, describeColumn(c.type.replace(/"/g, ''), c.not_null, actualDefault(c.default)));
  }

  const indexes = await client.query<{ table: string; name: string; is_primary: boolean; is_unique: boolean; columns: (string | null)[] }>(`
    SELECT c.relname AS table, ic.relname AS name, i.indisprimary AS is_primary, i.indisunique AS is_unique,
           array(SELECT a.attname::text FROM unnest(i.indkey) WITH ORDINALITY k(attnum, ord)
                 LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum ORDER BY k.ord) AS columns
    FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_class ic ON ic.oid = i.indexrelid
    WHERE ${tableFilter}`);
  for (const i of indexes.rows) {
    const cols = i.columns.map((col) => col ?? '(expression)');
    if (i.is_primary) shape.set(`${i.table}.primary key`, describeKey(i.name, cols));
    else shape.set(`${i.table}.index ${i.name}`, describeIndex(i.is_unique, cols));
  }

  const foreignKeys = await client.query<{
    table: string;
    name: string;
    columns: string[];
    ref_table: string;
    ref_columns: string[];
    on_delete: string;
    on_update: string;
  }>(`
    SELECT c.relname AS table, k.conname AS name, rc.relname AS ref_table,
           array(SELECT a.attname::text FROM unnest(k.conkey) WITH ORDINALITY x(attnum, ord)
                 JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = x.attnum ORDER BY x.ord) AS columns,
           array(SELECT a.attname::text FROM unnest(k.confkey) WITH ORDINALITY x(attnum, ord)
                 JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = x.attnum ORDER BY x.ord) AS ref_columns,
           k.confdeltype::text AS on_delete, k.confupdtype::text AS on_update
    FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_class rc ON rc.oid = k.confrelid
    WHERE k.contype = 'f' AND ${tableFilter}`);
  const action: Record<string, string> = { a: 'NO ACTION', r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT' };
  for (const f of foreignKeys.rows) {
    shape.set(
      `${f.table}.foreign key ${f.name}`,
      describeForeignKey(f.columns, f.ref_table, f.ref_columns, action[f.on_delete], action[f.on_update]),
    );
  }
  return shape;
}

function describeColumn(type: string, notNull: boolean, dflt: string | null): string {
  return `${type}${notNull ? ' NOT NULL' : ' NULL'}${dflt === null ? '' : ` DEFAULT ${dflt}`}`;
}

function describeKey(name: string, columns: string[]): string {
  return `${name} (${columns.join(', ')})`;
}

function describeIndex(unique: boolean, columns: string[]): string {
  return `${unique ? 'UNIQUE ' : ''}(${columns.join(', ')})`;
}

function describeForeignKey(columns: string[], refTable: string, refColumns: string[], onDelete: string, onUpdate: string): string {
  return `(${columns.join(', ')}) REFERENCES ${refTable} (${refColumns.join(', ')}) ON DELETE ${onDelete} ON UPDATE ${onUpdate}`;
}

/** One line per entry on which the two shapes disagree; empty when they match. */
export function diffShapes(expected: SchemaShape, actual: SchemaShape): string[] {
  const keys = [...new Set([...expected.keys(), ...actual.keys()])].sort();
  return keys
    .filter((k) => expected.get(k) !== actual.get(k))
    .map((k) => `${k}: schema.prisma says ${expected.get(k) ?? '(nothing)'}, migrations give ${actual.get(k) ?? '(nothing)'}`);
}
