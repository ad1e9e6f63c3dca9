import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { Client, Filter, InvalidCredentialsError, NoSuchObjectError, type Entry } from 'ldapts';
import type { LdapConfig } from '../../config.js';
import { DomainError } from '../../shared/errors.js';
import type { GroupRule } from './mapping.js';

/** The directory could not be asked (down, unreachable, or the service account refused): local accounts still work. */
export class DirectoryUnavailable extends DomainError {
  constructor() {
    super('DIRECTORY_UNAVAILABLE', 503, '目录服务 (LDAP) 暂不可用，请稍后再试 / The directory (LDAP) is unavailable; try again later. Local accounts can still log in');
  }
}

/** A user as the directory describes them. */
export interface DirectoryEntry {
  dn: string;
  username: string;
  displayName: string;
  email: string | null;
  /** DNs of the directory groups the user is a member of. */
  groups: string[];
}

/** Found (and enabled), gone (or outside the user filter), or disabled by LDAP_DISABLED_FILTER. */
export type Lookup = { status: 'found'; entry: DirectoryEntry } | { status: 'missing' } | { status: 'disabled'; dn: string };

/** Authentication adds a wrong password to what a lookup can say. */
export type Authentication = Lookup | { status: 'wrong_password'; dn: string };

export interface Directory {
  groupMap: GroupRule[];
  /** Finds the user with the service account, then binds as them; throws DirectoryUnavailable when it cannot ask. */
  authenticate(username: string, password: string): Promise<Authentication>;
  /** Re-reads a known user by DN, still through the user filter, for the periodic sync. */
  lookup(dn: string): Promise<Lookup>;
}

const CONNECT_TIMEOUT_MS = 5_000;
const OPERATION_TIMEOUT_MS = 10_000;

function values(entry: Entry, name: string): string[] {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === name.toLowerCase());
  const raw = key === undefined ? [] : entry[key];
  return (Array.isArray(raw) ? raw : [raw]).map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v)));
}

export function createDirectory(config: LdapConfig, log: { warn(msg: string): void }): Directory {
  const tlsOptions: ConnectionOptions = {
    ca: config.tlsCaFile ? readFileSync(config.tlsCaFile) : undefined,
    rejectUnauthorized: config.tlsRejectUnauthorized,
  };
  const { attributes: attrs } = config;
  const wanted = [attrs.username, attrs.displayName, attrs.email, ...(config.groupFilter ? [] : ['memberOf'])];

  async function connect(): Promise<Client> {
    // ldapts speaks TLS from the first byte whenever it is given TLS options, so ldap:// gets them only for StartTLS.
    const secure = config.url.toLowerCase().startsWith('ldaps:');
    const client = new Client({ url: config.url, tlsOptions: secure ? tlsOptions : undefined, connectTimeout: CONNECT_TIMEOUT_MS, timeout: OPERATION_TIMEOUT_MS });
    // Upgrading a socket, Node checks the certificate against `host` (else "localhost"): name the server's host.
    if (config.startTls) await client.startTLS({ ...tlsOptions, host: new URL(config.url).hostname });
    return client;
  }

  /** Runs `fn` on a connection bound as the service account; any failure of the directory becomes DirectoryUnavailable. */
  async function asService<T>(fn: (client: Client) => Promise<T>): Promise<T> {
    let client: Client | undefined;
    try {
      client = await connect();
      if (config.bindDn) await client.bind(config.bindDn, config.bindPassword);
      return await fn(client);
    } catch (error) {
      if (error instanceof DirectoryUnavailable) throw error;
      log.warn(`LDAP ${config.url}: ${(error as Error).message}`);
      throw new DirectoryUnavailable();
    } finally {
      await client?.unbind().catch(() => undefined);
    }
  }

  async function groupsOf(client: Client, dn: string, username: string, entry: Entry): Promise<string[]> {
    if (!config.groupFilter) return values(entry, 'memberOf');
    const filter = config.groupFilter.replaceAll('{{dn}}', Filter.escape(dn)).replaceAll('{{username}}', Filter.escape(username));
    const { searchEntries } = await client.search(config.groupSearchBase, { scope: 'sub', filter, attributes: ['1.1'] });
    return searchEntries.map((group) => group.dn);
  }

  async function isDisabled(client: Client, dn: string): Promise<boolean> {
    if (!config.disabledFilter) return false;
    const { searchEntries } = await client.search(dn, { scope: 'base', filter: config.disabledFilter, attributes: ['1.1'] });
    return searchEntries.length > 0;
  }

  /** Turns a found entry into a lookup result: disabled, or enabled with its groups. */
  async function describe(client: Client, entry: Entry, typedName: string): Promise<Lookup> {
    if (await isDisabled(client, entry.dn)) return { status: 'disabled', dn: entry.dn };
    const username = values(entry, attrs.username)[0] ?? typedName;
    return {
      status: 'found',
      entry: {
        dn: entry.dn,
        username,
        displayName: values(entry, attrs.displayName)[0] ?? username,
        email: values(entry, attrs.email)[0] ?? null,
        groups: await groupsOf(client, entry.dn, username, entry),
      },
    };
  }

  /** True when the password is right; a wrong one is an answer, anything else a failure of the directory. */
  async function bindAs(dn: string, password: string): Promise<boolean> {
    let client: Client | undefined;
    try {
      client = await connect();
      await client.bind(dn, password);
      return true;
    } catch (error) {
      if (error instanceof InvalidCredentialsError) return false;
      log.warn(`LDAP ${config.url}: bind as ${dn}: ${(error as Error).message}`);
      throw new DirectoryUnavailable();
    } finally {
      await client?.unbind().catch(() => undefined);
    }
  }

  return {
    groupMap: config.groupMap,

    async authenticate(username, password) {
      // An empty password is an unauthenticated bind, which LDAP servers answer with success: never send one.
      if (password === '') return { status: 'missing' };
      const found = await asService(async (client) => {
        const filter = config.userFilter.replaceAll('{{username}}', Filter.escape(username));
        const { searchEntries } = await client.search(config.searchBase, { scope: 'sub', filter, attributes: wanted });
        if (searchEntries.length !== 1) {
          if (searchEntries.length > 1) log.warn(`LDAP_USER_FILTER matches ${searchEntries.length} entries for "${username}"; refusing the login`);
          return { status: 'missing' } as const;
        }
        return describe(client, searchEntries[0] as Entry, username);
      });
      if (found.status !== 'found') return found;
      return (await bindAs(found.entry.dn, password)) ? found : { status: 'wrong_password', dn: found.entry.dn };
    },

    lookup: (dn) =>
      asService(async (client) => {
        // The user filter with any value for the name: a user moved out of what the filter admits counts as gone.
        const filter = config.userFilter.replaceAll('{{username}}', '*');
        try {
          const { searchEntries } = await client.search(dn, { scope: 'base', filter, attributes: wanted });
          const entry = searchEntries[0];
          return entry ? describe(client, entry, '') : { status: 'missing' };
        } catch (error) {
          if (error instanceof NoSuchObjectError) return { status: 'missing' };
          throw error;
        }
      }),
  };
}
