import { posix } from 'node:path';
import { tarExtractArgs, type ArtifactFormat } from '../artifact-format.js';
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
    /** Where hosts kept artifacts before they were unpacked while received; removed by cleanup. */
    oldIncoming: `${root}/.releases-incoming`,
    platform: `${root}/.platform`,
    /** The checksum of the artifact a staged tree was unpacked from, written only once the tree is complete. */
    received: (id: string) => `${root}/.platform/received/${id}.sha256`,
    uploadFifo: (id: string) => `${root}/.platform/upload-${id}.fifo`,
    lock: `${root}/.platform/lock`,
    history: `${root}/.platform/history.jsonl`,
    scripts: (releaseId: string) => `${root}/.platform/scripts/${releaseId}`,
    trash: `${root}/.platform/trash`,
  };
};

/**
 * Pre-flight in one round trip (every extra exec costs a shell start on the host): create the layout, report free
 * kilobytes, what `current` points at and whether the host has zstd, and take the lock. Output is `key=value` lines.
 */
export function prepareCommand(deployPath: string, ownerJson: string): ShellFragment {
  const l = layout(deployPath);
  return sh`mkdir -p ${[l.releases, l.shared, `${l.platform}/received`]} && printf 'free=%s\n' "$(df -Pk ${l.root} | awk 'NR==2 {print $4}')" && printf 'current=%s\n' "$(readlink ${l.current})" && if command -v zstd >/dev/null 2>&1; then echo zstd=yes; else echo zstd=no; fi && ${lockAcquireCommand(deployPath, ownerJson)}`;
}

/** Parses `key=value` lines of prepare and cleanup output; later keys win. */
export function parseKeyValues(stdout: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) values.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return values;
}

/**
 * `set -C` (noclobber) makes `>` fail when the lock file exists, and the create is a single O_EXCL open, so two
 * platform instances can never both succeed. On failure the current owner is printed for the error message.
 */
export function lockAcquireCommand(deployPath: string, ownerJson: string): ShellFragment {
  const l = layout(deployPath);
  return sh`if (set -C; printf '%s\n' ${ownerJson} > ${l.lock}) 2>/dev/null; then echo lock=acquired; else printf 'lock=held %s\n' "$(head -n 1 ${l.lock})"; fi`;
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

/** Rewrites the lock with a later expiry, atomically (rename), and only while this release still owns it. */
export function lockRefreshCommand(deployPath: string, releaseId: string, ownerJson: string): ShellFragment {
  const l = layout(deployPath);
  return sh`if grep -qF ${`"releaseId":${JSON.stringify(releaseId)}`} ${l.lock} 2>/dev/null; then printf '%s\n' ${ownerJson} > ${`${l.lock}.refresh`} && mv -f ${`${l.lock}.refresh`} ${l.lock}; fi`;
}

/** Removes the lock only when this release still owns it (an operator may have force-unlocked and someone else locked). */
export function lockReleaseCommand(deployPath: string, releaseId: string): ShellFragment {
  const l = layout(deployPath);
  return sh`if grep -qF ${`"releaseId":${JSON.stringify(releaseId)}`} ${l.lock} 2>/dev/null; then rm -f ${l.lock}; fi`;
}

// OpenSSL's sha256 uses the CPU's SHA extensions (about 4× coreutils here); sha256sum is the portable fallback.
const HASH_STDIN = raw(`if command -v openssl >/dev/null 2>&1; then hash() { openssl dgst -sha256 -r; }; else hash() { sha256sum; }; fi`);

/**
 * Receives the artifact on stdin in one pass, as a plain `ssh | tar -x` would: `tee` feeds `tar` (through a FIFO),
 * which unpacks into `releases/<id>.partial` while the bytes arrive, and the hash of the same bytes. The host keeps
 * no copy of the tarball: a retry sends it again from the platform's artifact cache. The checksum is printed as
 * `sha256=…` for the engine (which may learn the expected one only after the last byte, when the package streams
 * while it is packed) and recorded beside the tree, which becomes `<id>.staged` only when unpacked whole; the
 * release command compares that record before it uses the tree.
 */
export function uploadCommand(deployPath: string, format: ArtifactFormat, releaseId: string): ShellFragment {
  const l = layout(deployPath);
  const dir = l.release(releaseId);
  return sh`partial=${`${dir}.partial`}; staged=${`${dir}.staged`}; fifo=${l.uploadFifo(releaseId)}; received=${l.received(releaseId)}
rm -rf "$partial" "$staged" "$fifo" "$received" && mkdir -p "$partial" ${`${l.platform}/received`} && mkfifo "$fifo" || exit 1
${HASH_STDIN}
tar ${tarExtractArgs(format)} -xf - -C "$partial" < "$fifo" &
unpacker=$!
sum=$(tee "$fifo" | hash | cut -d' ' -f1)
wait "$unpacker"
tarstatus=$?
rm -f "$fifo"
echo "sha256=$sum"
if [ "$tarstatus" -ne 0 ]; then rm -rf "$partial"; echo "unpacking the artifact failed (tar exit $tarstatus)" >&2; exit 1; fi
printf '%s\n' "$sum" > "$received" && mv -T "$partial" "$staged"`;
}

export interface UnpackOptions {
  releaseId: string;
  /** The checksum the staged tree must have been received with. */
  sha256: string;
  sharedDirs: readonly string[];
  sharedFiles: readonly string[];
}

function linkShared(deployPath: string, dir: string, o: UnpackOptions): ShellFragment[] {
  const l = layout(deployPath);
  const links: ShellFragment[] = [];
  for (const d of o.sharedDirs) {
    const inRelease = `${dir}/${d}`;
    links.push(sh`mkdir -p ${`${l.shared}/${d}`} ${posix.dirname(inRelease)} && rm -rf ${inRelease} && ln -s ${`${l.shared}/${d}`} ${inRelease}`);
  }
  for (const f of o.sharedFiles) {
    const inRelease = `${dir}/${f}`;
    links.push(
      sh`mkdir -p ${posix.dirname(`${l.shared}/${f}`)} ${posix.dirname(inRelease)} && touch ${`${l.shared}/${f}`} && rm -rf ${inRelease} && ln -s ${`${l.shared}/${f}`} ${inRelease}`,
    );
  }
  return links;
}

const andAll = (parts: ShellFragment[]) => raw(parts.map((x) => ` && ${x.text}`).join(''));

/** Exit status of the release command when the host has no whole, verified tree of the release. */
export const NOT_RECEIVED = 67;

/**
 * Makes `releases/<id>` appear: the tree the upload unpacked (`<id>.staged`), used only when the checksum recorded
 * beside it is the artifact's; shared paths are linked before the final rename. A release directory therefore only
 * ever exists complete, which is what lets a crashed run leave `current` pointing at something whole. An existing
 * `<id>` is kept as is (a retry must not delete the directory `current` may point at).
 */
export function unpackCommand(deployPath: string, o: UnpackOptions): ShellFragment {
  const l = layout(deployPath);
  const dir = l.release(o.releaseId);
  const staged = `${dir}.staged`;
  const received = l.received(o.releaseId);
  return sh`if [ -d ${dir} ]; then echo reused; elif [ -d ${staged} ] && [ "$(cat ${received} 2>/dev/null)" = ${o.sha256} ]${andAll(linkShared(deployPath, staged, o))}; then mv -T ${staged} ${dir} && rm -f ${received} && echo unpacked; else echo ${`release ${o.releaseId} was not received whole with checksum ${o.sha256}`} >&2; exit ${String(NOT_RECEIVED)}; fi`;
}

/** Unpack (if needed) and switch in one round trip; `switched` on stdout tells the engine the rename happened. */
export function releaseCommand(deployPath: string, unpack: UnpackOptions, history: HistoryEntry): ShellFragment {
  return sh`${unpackCommand(deployPath, unpack)} && ${switchCommand(deployPath, unpack.releaseId, history)}`;
}

export function readCurrentCommand(deployPath: string): ShellFragment {
  return sh`readlink ${layout(deployPath).current} || true`;
}

/** Frees the lock (if still ours) and reports `current`: a rollback's whole cleanup in one round trip. */
export function unlockAndReportCommand(deployPath: string, releaseId: string): ShellFragment {
  return sh`${lockReleaseCommand(deployPath, releaseId)}; printf 'current=%s\n' "$(readlink ${layout(deployPath).current})"`;
}

export interface HistoryEntry {
  releaseId: string;
  from: string | null;
  to: string;
  at: string;
  actor: string;
  kind: 'release' | 'rollback' | 'auto-rollback';
}

/** Exit status of the switch when the release directory is not on the host. */
export const RELEASE_MISSING = 66;

/**
 * The atomic switch: a new symlink is made beside `current` and renamed over it. rename(2) replaces the old link in
 * one step, so a reader (or a crash) sees the old release or the new one, never a missing or half-made link.
 */
export function switchCommand(deployPath: string, toReleaseId: string, history: HistoryEntry): ShellFragment {
  const l = layout(deployPath);
  const tmp = `${l.current}.tmp`;
  return sh`{ [ -d ${l.release(toReleaseId)} ] || exit ${String(RELEASE_MISSING)}; } && ln -sfn ${`releases/${toReleaseId}`} ${tmp} && mv -T ${tmp} ${l.current} && echo switched && printf '%s\n' ${JSON.stringify(history)} >> ${l.history}`;
}

/** Scripts (hooks, restart, health command) arrive as files through stdin; their text never becomes a command line. */
export function writeScriptCommand(deployPath: string, releaseId: string, name: string): ShellFragment {
  const dir = layout(deployPath).scripts(releaseId);
  return sh`mkdir -p ${dir} && cat > ${`${dir}/${name}.sh`} && chmod 700 ${`${dir}/${name}.sh`}`;
}

export function runScriptCommand(
  deployPath: string,
  releaseId: string,
  name: string,
  cwd: string,
  env: Record<string, string>,
  { stopsWithCaller = false }: { stopsWithCaller?: boolean } = {},
): ShellFragment {
  const script = `${layout(deployPath).scripts(releaseId)}/${name}.sh`;
  const run = sh`${assignments(env)} sh ${script}`;
  return stopsWithCaller ? sh`cd ${cwd} || exit 1
${diesWithCaller(run)}` : sh`cd ${cwd} && ${run}`;
}

/** Writes the script arriving on stdin and runs it; it reads no stdin itself (`cat` took it all). */
export function writeAndRunScriptCommand(deployPath: string, releaseId: string, name: string, cwd: string, env: Record<string, string>): ShellFragment {
  return sh`${writeScriptCommand(deployPath, releaseId, name)} && ${runScriptCommand(deployPath, releaseId, name, cwd, env)}`;
}

const assignments = (env: Record<string, string>) => raw(Object.entries(env).map(([k, v]) => `${k}=${sh`${v}`.text}`).join(' '));

/**
 * sshd leaves a command running when the connection drops, so a crashed platform would leave its hooks and builds
 * running. The caller holds our stdin open for as long as it waits: EOF there means it is gone, and the watcher then
 * kills the whole process group (the wrapper leads it under sshd). The command itself reads no stdin; a background
 * job's stdin is /dev/null unless redirected, hence the explicit `<&0` for the watcher.
 */
function diesWithCaller(command: ShellFragment): ShellFragment {
  return sh`${command} </dev/null &
pid=$!
(cat >/dev/null 2>&1; kill -s KILL -- -$$) <&0 >/dev/null 2>&1 &
watcher=$!
wait "$pid"
status=$?
kill "$watcher" 2>/dev/null
exit "$status"`;
}

/**
 * A build agent keeps each build in its own directory under the SSH user's home and one home per project for
 * dependency caches (npm, maven, go, pip all default to paths under HOME), so builds of one project reuse downloads.
 * The paths are relative to $HOME: every agent command starts there (sshd's working directory is the passwd home,
 * which need not be $HOME).
 */
export const agentLayout = (project: string, releaseId: string) => ({
  build: `.rp-build/${project}/builds/${releaseId}`,
  home: `.rp-build/${project}/home`,
});
const inHome = raw('cd "$HOME" || exit 1;');

/** Unpacks the checkout arriving on stdin (a tar stream) into a fresh build directory. */
export function agentReceiveCommand(project: string, releaseId: string): ShellFragment {
  const l = agentLayout(project, releaseId);
  return sh`${inHome} rm -rf ${l.build} && mkdir -p ${l.build} ${l.home} && tar -xf - -C ${l.build}`;
}

/**
 * Runs the build command in the build directory with nothing of the SSH session's environment but what the build is
 * given, and dies with the platform (see diesWithCaller).
 */
export function agentBuildCommand(project: string, releaseId: string, command: string, env: Record<string, string>): ShellFragment {
  const l = agentLayout(project, releaseId);
  const run = sh`env -i PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 HOME="$home" ${assignments(env)} sh -c ${command}`;
  return sh`${inHome} home="$(cd ${l.home} && pwd)" && cd ${l.build} || exit 1
${diesWithCaller(run)}`;
}

/** Streams the artifact paths of the built tree to stdout as a tar stream. */
export function agentSendCommand(project: string, releaseId: string, paths: readonly string[]): ShellFragment {
  return sh`${inHome} tar -cf - -C ${agentLayout(project, releaseId).build} -- ${paths}`;
}

export function agentCleanupCommand(project: string, releaseId: string): ShellFragment {
  return sh`${inHome} rm -rf ${agentLayout(project, releaseId).build}`;
}

/** The first line the URL check prints: the HTTP status curl got, `000` when it got no response. */
export const HTTP_STATUS_LINE = 'http_status=';
/** How much of the body the URL check prints after the status: enough for a status page to say what is wrong. */
const HTTP_BODY_BYTES = 200;

/**
 * Fetches the URL from the target itself, so the check sees what the host's own network sees. With curl it prints
 * the status and the start of the body (the body goes to a temporary file: a status page may be big) and fails on
 * no response or a status of 400 and above, as `curl -f` would; wget, the fallback, only says pass or fail.
 */
export function httpCheckCommand(url: string, timeoutSeconds: number): ShellFragment {
  return sh`if command -v curl >/dev/null 2>&1; then body=$(mktemp) || exit 1; status=$(curl -sSg --max-time ${timeoutSeconds} -o "$body" -w '%{http_code}' ${url}); fetched=$?; printf '${raw(HTTP_STATUS_LINE)}%s\n' "$status"; head -c ${HTTP_BODY_BYTES} "$body"; rm -f "$body"; [ "$fetched" -eq 0 ] || exit "$fetched"; [ "$status" -lt 400 ] || exit 22; else wget -q -O - -T ${timeoutSeconds} ${url}; fi`;
}

export interface CleanupOptions {
  keep: number;
  /** Never removed, whatever their age: the new current release and the one before it. */
  protect: readonly string[];
  releaseId: string;
}

/**
 * Keeps the newest N release directories (by mtime) plus the protected ones, removes anything left by crashed runs
 * (and the artifacts earlier versions kept in `.releases-incoming`), gives the lock back and reports `current`, all
 * in one round trip. Old releases leave
 * `releases/` at once (a rename into `.platform/trash`, so the keep-N rule holds the moment this returns) and are
 * deleted in the background: an `rm -rf` of big trees must not keep the release from counting as succeeded.
 */
export function cleanupCommand(deployPath: string, o: CleanupOptions): ShellFragment {
  const l = layout(deployPath);
  const protect = o.protect.flatMap((p) => [raw('-e'), p]);
  return sh`mkdir -p ${l.trash} && cd ${l.releases} && for d in *.partial *.staged; do [ -e "$d" ] && mv -f -- "$d" ${l.trash}/"$$-$d"; done; ls -1t | awk -v keep=${o.keep} 'NR>keep' | grep -vxF ${protect} | while IFS= read -r d; do echo "removing release $d"; mv -f -- "./$d" ${l.trash}/"$$-$d" && { [ ! -e ${`${l.platform}/scripts`}/"$d" ] || mv -f -- ${`${l.platform}/scripts`}/"$d" ${l.trash}/"$$-scripts-$d"; }; done; rm -f ${`${l.platform}/received`}/* ${l.platform}/upload-*.fifo; { [ ! -e ${l.oldIncoming} ] || mv -f -- ${l.oldIncoming} ${l.trash}/"$$-incoming"; } && (rm -rf -- ${l.trash}/* </dev/null >/dev/null 2>&1 &) && ${lockReleaseCommand(deployPath, o.releaseId)} && printf 'current=%s\n' "$(readlink ${l.current})"`;
}
