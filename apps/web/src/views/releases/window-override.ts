import { isWindowRefusal } from '@/api/releases';

/**
 * Outside the environment's release windows the API refuses; an administrator is asked whether to go ahead anyway
 * (the override is audited), everyone else sees the refusal.
 */
export async function withWindowOverride<T>(
  run: (override: boolean) => Promise<T>,
  { isAdmin, confirm }: { isAdmin: boolean; confirm: (reason: string) => Promise<boolean> },
): Promise<T> {
  try {
    return await run(false);
  } catch (err) {
    if (!isAdmin || !isWindowRefusal(err)) throw err;
    if (!(await confirm(err.message))) throw err;
    return run(true);
  }
}
