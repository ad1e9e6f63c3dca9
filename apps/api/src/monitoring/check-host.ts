import type { ServerSpec, Transport } from '@rp/deploy-engine';
import { checkCommand, type CheckSpec } from './check-command.js';
import { failedCheck, parseCheckOutput, type CheckResult } from './check-result.js';

/**
 * The check carries the environment's variables, secret ones too: it travels on stdin into a private temporary file
 * (mktemp: 0600) rather than on the command line, which every user of the host can read in `ps`, every 30 s.
 */
const RUN_FROM_STDIN = 't=$(mktemp) || exit 1; cat >"$t"; sh "$t" </dev/null; rc=$?; rm -f "$t"; exit $rc';

/** The status script and df answer in well under a second; this leaves room for a loaded host. */
const CHECK_OVERHEAD_MS = 15_000;

/**
 * Runs one check of one host: one exec on a connection the transport pools (a kept one when the host key is pinned).
 * An unreachable host or a command that could not finish is a failed check carrying the reason, never an error.
 */
export async function checkHost(
  transport: Transport,
  server: ServerSpec,
  spec: CheckSpec,
  { onHostKeyLearned }: { onHostKeyLearned?: (fingerprint: string) => void } = {},
): Promise<CheckResult> {
  const connected = await transport.connect(server, onHostKeyLearned ? { onHostKeyLearned } : {});
  if (!connected.ok) return failedCheck(`unreachable: ${connected.error.message}`);
  try {
    const outcome = await connected.connection.exec(RUN_FROM_STDIN, { stdin: checkCommand(spec), timeoutMs: (spec.health?.timeoutSeconds ?? 0) * 1000 + CHECK_OVERHEAD_MS });
    if (outcome.exitCode !== 0) {
      const why = outcome.reason ?? `exited with ${outcome.exitCode}`;
      return failedCheck(`check command ${why}${outcome.stderrTail.trim() ? `: ${outcome.stderrTail.trim()}` : ''}`);
    }
    return parseCheckOutput(outcome.stdout, spec);
  } finally {
    connected.connection.close();
  }
}
