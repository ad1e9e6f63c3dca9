import { createSampleAppRepo, type SampleAppRepo } from '@rp/deploy-engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from './helpers/test-app.js';

/**
 * Walks the app's own OpenAPI document: every route × every path parameter, query parameter and body field (nested
 * ones included) gets each hostile value, on top of a baseline request that names real rows and is otherwise valid,
 * so the bad value travels as far as it can. The only assertion: no answer is a 5xx.
 */

interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  format?: string;
  minimum?: number;
  minLength?: number;
  minItems?: number;
  pattern?: string;
}
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  schema?: Schema;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}
type Document = { paths: Record<string, Record<string, Operation>> };

const MAX_SAFE_PLUS_TWO = 9_007_199_254_740_994;
const BIG = 'x'.repeat(100 * 1024);

/** Values for a JSON field. A lone surrogate survives JSON.stringify as the escape `\ud800`, which the server decodes back into one. */
const bodyValues: unknown[] = ['nul\u0000byte', '\ud800', 'pair\udc00', MAX_SAFE_PLUS_TWO, 'main:evil', BIG, {}, [], true, null, -1];
/** Values for a query parameter or path segment, already URL-encoded. */
const textValues = ['a%00b', '%ED%A0%80', String(MAX_SAFE_PLUS_TWO), '-1', '1e400', 'main%3Aevil', BIG, '%5B%5D'];
/** Whole bodies: nothing at all, an empty JSON body, wrong top-level types, broken JSON, a lone surrogate in raw JSON text. */
const wholeBodies: { payload?: string; type?: string }[] = [
  {},
  { payload: '', type: 'application/json' },
  { payload: 'null', type: 'application/json' },
  { payload: '[]', type: 'application/json' },
  { payload: '"text"', type: 'application/json' },
  { payload: '{"a":', type: 'application/json' },
  { payload: '{"name":"\\ud800","description":"\\u0000"}', type: 'application/json' },
  { payload: 'name=x', type: 'application/x-www-form-urlencoded' },
];

const rand = () => Math.random().toString(36).slice(2, 10);
/** As the service stores it: the environment view serialises every field. */
const ROLLOUT = { strategy: 'parallel', concurrency: 5, batches: [], betweenBatches: { mode: 'manual' }, failure: { tolerate: 0 }, autoRollback: true };

describe('fuzzing every route from the OpenAPI document', () => {
  let t: TestApp;
  let repo: SampleAppRepo;
  let ids: Record<string, string>;

  beforeAll(async () => {
    repo = createSampleAppRepo();
    t = await buildTestApp({ ALLOW_FILE_GIT_URLS: 'true' });
    const owner = await t.createUser({ isAdmin: true });
    const group = await t.createGroup();
    const user = await t.createUser({ groupId: group.id, role: 'developer' });
    const credential = await t.db.credential.create({
      data: { groupId: group.id, name: `key-${rand()}`, kind: 'ssh_key', secret: t.app.secrets.encrypt('not a usable key'), publicKey: 'ssh-ed25519 AAAA', fingerprint: 'SHA256:x' },
    });
    // Port 1 on loopback refuses at once: connection tests and version checks answer quickly.
    const server = await t.db.server.create({ data: { groupId: group.id, name: `srv-${rand()}`, host: '127.0.0.1', port: 1, username: 'deploy', credentialId: credential.id } });
    const project = await t.db.project.create({ data: { groupId: group.id, name: `p-${rand()}`, gitUrl: repo.url, preset: 'shell' } });
    const environment = await t.db.environment.create({
      data: { projectId: project.id, name: 'prod', deployPath: '/srv/app', rollout: ROLLOUT, servers: { create: [{ serverId: server.id }] } },
    });
    const template = await t.db.hookTemplate.create({ data: { groupId: group.id, name: `t-${rand()}`, script: 'echo hi' } });
    const release = await t.db.release.create({
      data: {
        projectId: project.id,
        environmentId: environment.id,
        state: 'succeeded',
        ref: 'main',
        commit: repo.commits.at(-1) ?? 'a'.repeat(40),
        rollout: { strategy: 'parallel' },
        createdById: user.id,
        targets: { create: [{ serverId: server.id, state: 'succeeded' }] },
        events: { create: [{ seq: 1, at: new Date(), type: 'log', stream: 'stdout', text: 'hello' }] },
      },
    });
    const apiToken = await t.call(owner.token, { method: 'POST', url: '/api/tokens', payload: { name: `fuzz-${rand()}`, scope: 'read' } });
    const trigger = await t.call(owner.token, { method: 'POST', url: `/api/environments/${environment.id}/trigger-token`, payload: { defaultRef: 'main' } });
    ids = {
      groups: group.id,
      projects: project.id,
      environments: environment.id,
      releases: release.id,
      servers: server.id,
      credentials: credential.id,
      'hook-templates': template.id,
      users: user.id,
      tokens: apiToken.json().id,
      groupId: group.id,
      userId: user.id,
      environmentId: environment.id,
      projectId: project.id,
      serverId: server.id,
      credentialId: credential.id,
      gitCredentialId: credential.id,
      templateId: template.id,
      releaseId: release.id,
      token: trigger.json().token,
    };
  });
  afterAll(async () => {
    await t?.close();
    repo?.remove();
  });

  /** Good values by field name, so the baseline passes validation and the one bad field is the only problem. */
  const known: Record<string, () => unknown> = {
    name: () => `fuzz-${rand()}`,
    username: () => `fuzz-${rand()}`,
    password: () => `Fuzz-pass-${rand()}-9`,
    newPassword: () => `Fuzz-pass-${rand()}-9`,
    gitUrl: () => repo.url,
    deployPath: () => '/srv/fuzz',
    ref: () => 'main',
    defaultRef: () => 'main',
    host: () => '127.0.0.1',
    preset: () => 'shell',
    timezone: () => 'UTC',
    start: () => '09:00',
    end: () => '17:00',
    key: () => 'FUZZ_KEY',
  };

  /** A value the schema accepts, as far as a schema-driven guess can tell. */
  function sample(schema: Schema | undefined, field = ''): unknown {
    if (!schema) return 'x';
    if (field in known) return known[field]!();
    if (field in ids && schema.format === 'uuid') return ids[field];
    if (schema.const !== undefined) return schema.const;
    if (schema.enum) return schema.enum[0];
    const branch = schema.anyOf ?? schema.oneOf;
    if (branch) return sample(branch.find((s) => s.type !== 'null') ?? branch[0], field);
    const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
    if (type === 'object' || schema.properties) {
      return Object.fromEntries((schema.required ?? []).map((name) => [name, sample(schema.properties?.[name], name)]));
    }
    if (type === 'array') return Array.from({ length: schema.minItems ?? 0 }, () => sample(schema.items, field.replace(/Ids$/, 'Id')));
    if (type === 'integer' || type === 'number') return schema.minimum ?? 1;
    if (type === 'boolean') return false;
    if (schema.format === 'uuid') return '00000000-0000-4000-8000-000000000000';
    if (schema.format === 'date-time') return new Date(Date.now() + 3_600_000).toISOString();
    return 'x'.repeat(Math.max(1, schema.minLength ?? 1));
  }

  /** Every field path of a body schema (objects and the first item of arrays), three levels deep. */
  function fieldPaths(schema: Schema | undefined, prefix: (string | number)[] = [], depth = 0): (string | number)[][] {
    if (!schema || depth > 3) return [];
    const branch = schema.anyOf ?? schema.oneOf;
    if (branch) return branch.flatMap((s) => fieldPaths(s, prefix, depth));
    if (schema.properties) {
      return Object.entries(schema.properties).flatMap(([name, child]) => [[...prefix, name], ...fieldPaths(child, [...prefix, name], depth + 1)]);
    }
    if (schema.items) return [[...prefix, 0], ...fieldPaths(schema.items, [...prefix, 0], depth + 1)];
    return [];
  }

  function withValue(base: unknown, path: (string | number)[], value: unknown): unknown {
    const copy = structuredClone(base ?? {}) as Record<string | number, unknown>;
    let node = copy;
    path.forEach((key, index) => {
      if (index === path.length - 1) node[key] = value;
      else {
        if (node[key] === null || typeof node[key] !== 'object') node[key] = typeof path[index + 1] === 'number' ? [] : {};
        node = node[key] as Record<string | number, unknown>;
      }
    });
    return copy;
  }

  it('names the field of each kind of bad input in a 400, and takes a trigger without a body', async () => {
    const { token } = await t.createUser({ isAdmin: true });
    const call = (method: 'GET' | 'POST', url: string, payload?: string) =>
      t.call(token, { method, url, ...(payload !== undefined ? { payload, headers: { 'content-type': 'application/json' } } : {}) });
    const refused = async (response: Awaited<ReturnType<typeof call>>, location: string, field: string) => {
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json().error.details[0]).toMatchObject({ location, field });
    };

    await refused(await call('POST', '/api/groups', '{"name":"nul\\u0000byte"}'), 'body', 'name');
    await refused(await call('POST', '/api/groups', '{"name":"fine","description":"\\ud800"}'), 'body', 'description');
    await refused(await call('GET', '/api/projects?q=a%00b'), 'querystring', 'q');
    await refused(await call('GET', `/api/releases/${ids.releases}/logs?since=${MAX_SAFE_PLUS_TWO}`), 'querystring', 'since');
    await refused(await call('GET', `/api/projects/${ids.projects}/commits?ref=main:evil`), 'querystring', 'ref');
    await refused(await call('POST', '/api/releases', JSON.stringify({ environmentId: ids.environments, ref: 'HEAD@{1}' })), 'body', 'ref');
    for (const deployPath of ['/etc/app', '/proc/self', '/srv/../etc', '//root/x', '/usr/bin', '/srv']) {
      const response = await call('POST', `/api/projects/${ids.projects}/environments`, JSON.stringify({ name: `e-${rand()}`, deployPath }));
      expect(response.statusCode, deployPath).toBe(400);
      expect(response.json().error.message, deployPath).toMatch(/^body\.deployPath: /);
    }
    expect((await call('POST', `/api/projects/${ids.projects}/environments`, JSON.stringify({ name: `e-${rand()}`, deployPath: '/usr/local/shop' }))).statusCode).toBe(201);

    const fired = await t.app.inject({ method: 'POST', url: `/api/trigger/${ids.token}` });
    expect(fired.statusCode, fired.body).toBe(201);
    expect(fired.json()).toMatchObject({ ref: 'main', environmentId: ids.environments });
  });

  it('answers every hostile request without a 5xx', { timeout: 180_000 }, async () => {
    const document = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json() as Document;
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
        .map(([method, operation]) => ({ path, method: method.toUpperCase() as 'GET', operation })),
    );
    // Destructive routes last, so the rows the others need are still there when they run.
    const destructive = (op: { method: string; path: string }) => op.method === 'DELETE' || /\/(purge|logout)$/.test(op.path);
    operations.sort((a, b) => Number(destructive(a)) - Number(destructive(b)));
    expect(operations.length).toBeGreaterThan(50);

    let requests = 0;
    const failures: string[] = [];
    for (const { path, method, operation } of operations) {
      // A fresh administrator per route: logging out or changing the password must not cut the fuzzer off.
      const { token } = await t.createUser({ isAdmin: true });
      const parameters = operation.parameters ?? [];
      const pathParams = parameters.filter((p) => p.in === 'path');
      const queryParams = parameters.filter((p) => p.in === 'query');
      const bodySchema = operation.requestBody?.content?.['application/json']?.schema;
      const resource = path.split('/')[2] ?? '';
      const goodPath = Object.fromEntries(pathParams.map((p) => [p.name, p.name === 'id' ? (ids[resource] ?? ids[path.split('/')[1] ?? '']) : (ids[p.name] ?? String(sample(p.schema, p.name)))]));
      const goodBody = bodySchema ? sample(bodySchema) : undefined;

      const send = async (label: string, { params = goodPath, query = '', body = goodBody as unknown, raw }: { params?: Record<string, string | undefined>; query?: string; body?: unknown; raw?: { payload?: string; type?: string } } = {}) => {
        const url = path.replace(/\{(\w+)\}/g, (_, name: string) => params[name] ?? 'missing') + (query ? `?${query}` : '');
        const payload = raw ? raw.payload : body === undefined ? undefined : JSON.stringify(body);
        const type = raw ? raw.type : body === undefined ? undefined : 'application/json';
        const response = await t.call(token, { method, url, ...(payload !== undefined ? { payload } : {}), headers: type ? { 'content-type': type } : {} });
        requests += 1;
        if (response.statusCode >= 500) failures.push(`${method} ${path} ${label} → ${response.statusCode} ${response.body.slice(0, 200)}`);
      };

      await send('baseline');
      for (const param of pathParams) {
        for (const value of textValues) await send(`path ${param.name}=${value.slice(0, 20)}`, { params: { ...goodPath, [param.name]: value } });
      }
      for (const param of queryParams) {
        for (const value of textValues) await send(`query ${param.name}=${value.slice(0, 20)}`, { query: `${param.name}=${value}` });
      }
      for (const value of textValues.slice(0, 3)) await send(`query key ${value}`, { query: `${value}=1` });
      if (method !== 'GET' && method !== 'DELETE') {
        for (const field of fieldPaths(bodySchema)) {
          for (const value of bodyValues) await send(`body ${field.join('.')}=${JSON.stringify(value)?.slice(0, 20)}`, { body: withValue(goodBody, field, value) });
        }
        for (const raw of wholeBodies) await send(`whole body ${raw.payload?.slice(0, 20) ?? '(none)'}`, { raw });
      }
    }
    console.log(`fuzz: ${requests} requests over ${operations.length} routes, ${failures.length} × 5xx`);
    expect(failures).toEqual([]);
  });
});
