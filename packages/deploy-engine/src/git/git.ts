/** Every git call goes through these options: no prompts, and no transports that run commands (`ext::`, `fd::`). */
export const GIT_SAFETY_ARGS = ['-c', 'protocol.ext.allow=never', '-c', 'protocol.fd.allow=never', '-c', 'core.askPass=true'];

export const GIT_ENV: Record<string, string> = { GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: 'true', SSH_ASKPASS: 'true' };

/** What a git child needs to authenticate: extra arguments before the subcommand, and its environment. */
export interface GitAuth {
  args: string[];
  env: Record<string, string>;
}
