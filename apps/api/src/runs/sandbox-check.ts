import { probeSandbox, type SandboxSettings } from '@rp/deploy-engine';

export class SandboxUnavailableError extends Error {}

/**
 * Run before a worker takes any release: builds execute code from projects' repositories, so without a working
 * sandbox the worker does not start. Turning it off is an administrator's explicit choice, repeated at every start.
 */
export async function ensureBuildSandbox(settings: SandboxSettings, log: { warn(msg: string): void }): Promise<void> {
  if (settings.mode === 'off') {
    log.warn(
      'BUILD_SANDBOX=off: build commands and checkout hooks run UNSANDBOXED as the platform user, with access to DATA_DIR, ' +
        'the master key and the database. Anyone who can change a build command or push to a released branch controls this host.',
    );
    return;
  }
  const problem = await probeSandbox(settings);
  if (problem) {
    throw new SandboxUnavailableError(
      `the build sandbox does not work (${problem}). Install bubblewrap ("pnpm run setup" does it as root, or apt-get install bubblewrap), ` +
        'or set BUILD_SANDBOX=off to run builds without isolation.',
    );
  }
}
