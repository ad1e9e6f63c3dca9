import { posix } from 'node:path';
import { raw, sh, type ShellFragment } from '../shell/quote.js';

/**
 * Every command the engine runs on a target, built in one place from quoted data. The pipeline and `dryRun` both
 * use these builders, so the dry run shows exactly what would run. Paths follow the Capistrano/Deployer layout.
 */
export const layout = (deployPath: string) => {
  const root = deployPath.replace(/\/+$/, '');
  return {
    root,
    current: `${root}/current`,
    releases: `${root}/releases`,
    release: (id: string) => `${root}/releases/${id}`,
    shared: `${root}/shared`,
    incoming: `${root}/.releases-incoming`,
    incomingFile: (sha256: string) => `${root}/.releases-incoming/${sha256}.tar.gz`,
    platform: `${root}/.platform`,
    lock: `${root}/.platform/lock`,
    history: `${root}/.platform/history.jsonl`,
    scripts: (releaseId: string) => `${root}/.platform/scripts/${releaseId}`,
  };
};

/** Creates the layout and prints free kilobytes of the deploy path's filesystem. */
export function preflightCommand(deployPath: string): ShellFragment {
  const l = layout(deployPath);
  return sh`mkdir -p ${[l.releases, l.shared, l.incoming, l.platform]} && df -Pk ${l.root} | awk 'NR==2 {print $4}'`;
}

/**
 * `set -C` (noclobber) makes `>` fail when the lock file exists, and the create is a single O_EXCL open, so two
 * platform instances can never both succeed. On failure the current owner is printed for the error message.
 */
export function lockAcquireCommand(deployPath: string, ownerJson: string): ShellFragment {
  const l = layout(deployPath);
  return sh`if (set -C; printf '%s\n' ${ownerJson} > ${l.lock}) 2>/dev/null; then echo acquired; else printf 'held '; cat ${l.lock}; fi`;
}

/**
 * Replaces an expired lock only if it is still the one we saw; a `mkdir` mutex serialises two instances that both
 * noticed the expiry, and the final `mv` makes the new owner appear atomically. Exit 75: lost the race.
 */
export function lockTakeoverCommand(deployPath: string, seenJson: string, ownerJson: string): ShellFragment {
  const l = layout(deployPath);
  const mutex = `${l.lock}.takeover`;
  return sh`mkdir ${mutex} 2>/dev/null || exit 75; trap ${sh`rmdir ${mutex}`.text} EXIT; [ "$(cat ${l.lock} 2>/dev/null)" = ${seenJson} ] || exit 75; printf '%s\n' ${ownerJson} > ${`${l.lock}.new`} && mv -f ${`${l.lock}.new`} ${l.lock}`;
}

/** Removes the lock only when this release still owns it (an operator may have force-unlocked and someone else locked). */
export function lockReleaseCommand(deployPath: string, releaseId: string): ShellFragment {
  const l = layout(deployPath);
  return sh`if grep -qF ${`"releaseId":${JSON.stringify(releaseId)}`} ${l.lock} 2>/dev/null; then rm -f ${l.lock}; fi`;
}

export function hasArtifactCommand(deployPath: string, sha256: string): ShellFragment {
  return sh`if [ -f ${layout(deployPath).incomingFile(sha256)} ]; then echo present; else echo absent; fi`;
}

/**
 * Receives the artifact on stdin, hashing it while it is written (one pass over the bytes), and publishes it under
 * its sha256 name only when the hash matches; a half-received or corrupted file is never visible. Exit 65: mismatch.
 */
export function uploadCommand(deployPath: string, sha256: string): ShellFragment {
  const l = layout(deployPath);
  const final = l.incomingFile(sha256);
  const part = `${final}.part`;
  return sh`sum=$(tee ${part} | sha256sum | cut -d' ' -f1) && if [ "$sum" = ${sha256} ]; then mv -f ${part} ${final}; else rm -f ${part}; echo "checksum mismatch: received $sum" >&2; exit 65; fi`;
}

export interface UnpackOptions {
  releaseId: string;
  sha256: string;
  sharedDirs: readonly string[];
  sharedFiles: readonly string[];
}

/**
 * Unpacks into `<id>.partial`, links shared paths, then renames to `<id>`: a release directory only ever exists
 * whole, which is what lets a crashed run leave `current` pointing at something complete. An existing `<id>` is
 * kept as is (a retry must not delete the directory `current` may point at).
 */
export function unpackCommand(deployPath: string, o: UnpackOptions): ShellFragment {
  const l = layout(deployPath);
  const dir = l.release(o.releaseId);
  const partial = `${dir}.partial`;
  const links: ShellFragment[] = [];
  for (const d of o.sharedDirs) {
    const inRelease = `${partial}/${d}`;
    links.push(sh`mkdir -p ${`${l.shared}/${d}`} ${posix.dirname(inRelease)} && rm -rf ${inRelease} && ln -s ${`${l.shared}/${d}`} ${inRelease}`);
  }
  for (const f of o.sharedFiles) {
    const inRelease = `${partial}/${f}`;
    links.push(
      sh`mkdir -p ${posix.dirname(`${l.shared}/${f}`)} ${posix.dirname(inRelease)} && touch ${`${l.shared}/${f}`} && rm -rf ${inRelease} && ln -s ${`${l.shared}/${f}`} ${inRelease}`,
    );
  }
  const linkPart = links.length ? raw(` && ${links.map((x) => x.text).join(' && ')}`) : raw('');
  return sh`if [ -d ${dir} ]; then echo reused; else rm -rf ${partial} && mkdir -p ${partial} && tar -xzf ${l.incomingFile(o.sha256)} -C ${partial}${linkPart} && mv -T ${partial} ${dir} && echo unpacked; fi`;
}

export function readCurrentCommand(deployPath: string): ShellFragment {
  return sh`readlink ${layout(deployPath).current} || true`;
}

export function releaseExistsCommand(deployPath: string, releaseId: string): ShellFragment {
  return sh`test -d ${layout(deployPath).release(releaseId)}`;
}

export interface HistoryEntry {
  releaseId: string;
  from: string | null;
  to: string;
  at: string;
  actor: string;
  kind: 'release' | 'rollback' | 'auto-rollback';
}

/**
 * The atomic switch: a new symlink is made beside `current` and renamed over it. rename(2) replaces the old link in
 * one step, so a reader (or a crash) sees the old release or the new one, never a missing or half-made link.
 */
export function switchCommand(deployPath: string, toReleaseId: string, history: HistoryEntry): ShellFragment {
  const l = layout(deployPath);
  const tmp = `${l.current}.tmp`;
  return sh`test -d ${l.release(toReleaseId)} && ln -sfn ${`releases/${toReleaseId}`} ${tmp} && mv -T ${tmp} ${l.current} && printf '%s\n' ${JSON.stringify(history)} >> ${l.history}`;
}

/** Scripts (hooks, restart, health command) arrive as files through stdin; their text never becomes a command line. */
export function writeScriptCommand(deployPath: string, releaseId: string, name: string): ShellFragment {
  const dir = layout(deployPath).scripts(releaseId);
  return sh`mkdir -p ${dir} && cat > ${`${dir}/${name}.sh`} && chmod 700 ${`${dir}/${name}.sh`}`;
}

export function runScriptCommand(deployPath: string, releaseId: string, name: string, cwd: string, env: Record<string, string>): ShellFragment {
  const script = `${layout(deployPath).scripts(releaseId)}/${name}.sh`;
  const assignments = Object.entries(env).map(([k, v]) => `${k}=${sh`${v}`.text}`);
  return sh`cd ${cwd} && ${raw(assignments.join(' '))} sh ${script}`;
}

/** Fetches the URL from the target itself, so the check sees what the host's own network sees. */
export function httpCheckCommand(url: string, timeoutSeconds: number): ShellFragment {
  return sh`if command -v curl >/dev/null 2>&1; then curl -fsSg --max-time ${timeoutSeconds} ${url}; else wget -q -O - -T ${timeoutSeconds} ${url}; fi`;
}

export function listReleasesCommand(deployPath: string): ShellFragment {
  return sh`ls -1t ${layout(deployPath).releases}`;
}

export function removePathsCommand(paths: readonly string[]): ShellFragment {
  return sh`rm -rf -- ${paths}`;
}

/** Deletes artifacts other than the one just deployed: releases are unpacked, the tarballs are only transport. */
export function pruneIncomingCommand(deployPath: string, keepSha256: string): ShellFragment {
  return sh`find ${layout(deployPath).incoming} -maxdepth 1 -type f ! -name ${`${keepSha256}.tar.gz`} -delete`;
}
