import type { SandboxSettings } from '../types.js';

/** A sandbox setting with every limit filled in. */
export type ResolvedSandbox =
  | { mode: 'bwrap'; uid: number; gid: number; network: boolean; cpuSeconds: number; memoryMb: number; timeoutSeconds: number }
  | { mode: 'off'; timeoutSeconds: number };

export const SANDBOX_DEFAULTS = { uid: 65534, gid: 65534, network: true, cpuSeconds: 3600, memoryMb: 4096, timeoutSeconds: 3600 } as const;

/** A plan without a setting gets the sandbox: isolation is what happens unless an administrator turned it off. */
export function resolveSandbox(settings: SandboxSettings | undefined): ResolvedSandbox {
  if (settings?.mode === 'off') return { mode: 'off', timeoutSeconds: settings.timeoutSeconds ?? SANDBOX_DEFAULTS.timeoutSeconds };
  return { mode: 'bwrap', ...SANDBOX_DEFAULTS, ...settings };
}
