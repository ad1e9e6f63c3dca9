import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Attribute, Change, Client } from 'ldapts';
import { freePort } from './server-process.js';

export const SLAPD_BIN = '/usr/sbin/slapd';

export interface Slapd {
  url: string;
  /** The same server over TLS (ldaps://), with a certificate for 127.0.0.1 signed by `caFile`. */
  ldapsUrl: string;
  caFile: string;
  suffix: string;
  /** Adds entries as the root DN; attribute values as strings or lists. */
  add(entries: { dn: string; attributes: Record<string, string | string[]> }[]): Promise<void>;
  /** Replaces (or with an empty list removes) the values of one attribute. */
  replace(dn: string, type: string, values: string[]): Promise<void>;
  remove(dn: string): Promise<void>;
  /** Stops the server (SIGTERM) and waits for it to exit; the directory's files stay until `close()`. */
  stop(): Promise<void>;
  close(): Promise<void>;
}

/** A test CA and a server certificate for 127.0.0.1 it signs, made with the openssl command line tool. */
function makeCertificates(dir: string): { ca: string; cert: string; key: string } {
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl('req', '-x509', ...ec, '-keyout', file('ca.key'), '-out', file('ca.pem'), '-days', '2', '-subj', '/CN=rp-test-ca');
  openssl('req', ...ec, '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', '/CN=127.0.0.1');
  writeFileSync(file('server.ext'), 'subjectAltName=IP:127.0.0.1\n');
  openssl('x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial', '-out', file('server.pem'), '-days', '2', '-extfile', file('server.ext'));
  return { ca: file('ca.pem'), cert: file('server.pem'), key: file('server.key') };
}

/**
 * A throwaway OpenLDAP server, a child of the test process: an mdb database in a temporary directory, the
 * inetOrgPerson schema, the memberof overlay so entries carry `memberOf` as in Active Directory, and TLS (ldaps:// on
 * a second port, StartTLS on the first) with a throwaway CA. Works as root
 * and as any other user (it listens on a port above 1024 and writes only its own directory).
 */
export async function startSlapd({ suffix = 'dc=example,dc=test', rootPassword = 'slapd-root-secret' } = {}): Promise<Slapd> {
  const dir = mkdtempSync(path.join(tmpdir(), 'rp-slapd-'));
  mkdirSync(path.join(dir, 'db'));
  const rootDn = `cn=root,${suffix}`;
  const tls = makeCertificates(dir);
  writeFileSync(
    path.join(dir, 'slapd.conf'),
    [
      'include /etc/ldap/schema/core.schema',
      'include /etc/ldap/schema/cosine.schema',
      'include /etc/ldap/schema/inetorgperson.schema',
      'modulepath /usr/lib/ldap',
      'moduleload back_mdb',
      'moduleload memberof',
      `TLSCACertificateFile ${tls.ca}`,
      `TLSCertificateFile ${tls.cert}`,
      `TLSCertificateKeyFile ${tls.key}`,
      `pidfile ${dir}/slapd.pid`,
      'database mdb',
      `suffix "${suffix}"`,
      `rootdn "${rootDn}"`,
      `rootpw ${rootPassword}`,
      `directory ${dir}/db`,
      'overlay memberof',
      '',
    ].join('\n'),
  );
  const url = `ldap://127.0.0.1:${await freePort()}`;
  const ldapsUrl = `ldaps://127.0.0.1:${await freePort()}`;
  const child: ChildProcess = spawn(SLAPD_BIN, ['-h', `${url}/ ${ldapsUrl}/`, '-f', path.join(dir, 'slapd.conf'), '-d', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const asRoot = async <T>(fn: (client: Client) => Promise<T>): Promise<T> => {
    const client = new Client({ url, connectTimeout: 2_000, timeout: 5_000 });
    try {
      await client.bind(rootDn, rootPassword);
      return await fn(client);
    } finally {
      await client.unbind().catch(() => undefined);
    }
  };

  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`slapd exited (${child.exitCode}):\n${output}`);
    try {
      await asRoot(async () => undefined);
      break;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`slapd did not answer: ${(error as Error).message}\n${output}`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  await asRoot((client) => client.add(suffix, { objectClass: ['dcObject', 'organization'], o: 'Test', dc: suffix.split(',')[0]?.split('=')[1] ?? 'test' }));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  return {
    url,
    ldapsUrl,
    caFile: tls.ca,
    suffix,
    add: (entries) =>
      asRoot(async (client) => {
        for (const entry of entries) await client.add(entry.dn, entry.attributes);
      }),
    replace: (dn, type, values) => asRoot((client) => client.modify(dn, new Change({ operation: 'replace', modification: new Attribute({ type, values }) }))),
    remove: (dn) => asRoot((client) => client.del(dn)),
    stop,
    close: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
