/**
 * Config for the dev-only Prisma 6.19 CLI that scripts/db-diff.mjs runs (`prisma migrate diff`). Prisma 7 cannot
 * diff here: its native schema engine must be downloaded. Prisma 6.19 runs the schema engine as WASM over a driver
 * adapter, which needs fixes to @prisma/adapter-pg 6.19, applied below.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { defineConfig } from 'prisma6/config';
import { PrismaPg } from 'prisma6-adapter-pg';

const url = process.env.DIFF_DATABASE_URL;
if (!url) throw new Error('DIFF_DATABASE_URL is not set: run this through scripts/db-diff.mjs');

// pg type oids the adapter does not map: introspection reads `name` and `"char"` catalog columns (prisma/orm#27403).
const PG_NAME = 19;
const PG_CHAR = 18;
const PG_TEXT = 25;

interface PgResult {
  fields?: { dataTypeID: number }[];
}

interface AdapterInternals {
  performIO(query: unknown): Promise<PgResult | PgResult[]>;
  executeScript(script: string): Promise<void>;
  underlyingDriver(): { query(sql: string): Promise<unknown> };
  onError(error: unknown): never;
}

let patched = false;

/** The adapter's classes are not exported, so the patches go onto the prototypes of the first adapter it creates. */
function patchAdapterClasses(adapter: object): void {
  if (patched) return;
  patched = true;
  const adapterProto = Object.getPrototypeOf(adapter) as AdapterInternals;
  const queryableProto = Object.getPrototypeOf(adapterProto) as AdapterInternals;

  const performIO = queryableProto.performIO;
  queryableProto.performIO = async function (this: AdapterInternals, query: unknown) {
    const result = await performIO.call(this, query);
    // A migration script arrives here whole and yields one result per statement.
    for (const part of Array.isArray(result) ? (result as PgResult[]) : [result]) {
      for (const field of part.fields ?? []) {
        if (field.dataTypeID === PG_NAME || field.dataTypeID === PG_CHAR) field.dataTypeID = PG_TEXT;
      }
    }
    return result;
  };

  // The adapter splits scripts on ";", which breaks any migration with a ";" inside a string, comment or function
  // body. PostgreSQL's simple query protocol runs a whole multi-statement script as sent.
  adapterProto.executeScript = async function (this: AdapterInternals, script: string) {
    try {
      await this.underlyingDriver().query(script);
    } catch (error) {
      this.onError(error);
    }
  };
}

interface PoolFields {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

// Discrete fields, not a connectionString: the adapter builds the shadow database's pool as {...config, database},
// and pg lets a connectionString override `database`, which would make the main database the shadow.
function poolFields(connectionString: string): PoolFields {
  const parsed = new URL(connectionString);
  return {
    host: decodeURIComponent(parsed.hostname) || parsed.searchParams.get('host') || 'localhost',
    port: Number(parsed.port || 5432),
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    database: decodeURIComponent(parsed.pathname.slice(1)) || 'postgres',
  };
}

async function adminQuery(fields: PoolFields, sql: string): Promise<void> {
  const client = new pg.Client(fields);
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

class PatchedPrismaPg extends PrismaPg {
  constructor(private readonly fields: PoolFields) {
    // Idle pooled connections would otherwise keep the CLI alive for pg's 10 s idle timeout after it is done.
    super({ ...fields, allowExitOnIdle: true });
  }

  override async connect() {
    const adapter = await super.connect();
    patchAdapterClasses(adapter);
    return adapter;
  }

  // The adapter's own version also drops the shadow database while its pool is still connected
  // ("is being accessed by other users").
  override async connectToShadowDb() {
    const name = `prisma_shadow_${randomUUID().replace(/-/g, '')}`;
    await adminQuery(this.fields, `CREATE DATABASE "${name}"`);
    const adapter = await new PatchedPrismaPg({ ...this.fields, database: name }).connect();
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      await dispose();
      await adminQuery(this.fields, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    };
    return adapter;
  }
}

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  adapter: async () => new PatchedPrismaPg(poolFields(url)),
});
