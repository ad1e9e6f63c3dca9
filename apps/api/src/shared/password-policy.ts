import { PASSWORD_RULE_TEXT, passwordRuleBroken } from '@rp/contract/rules';
import { Invalid } from './errors.js';

/**
 * Refuses a new password that breaks the policy (length, character classes, the username) with a 400 naming the
 * field and the rule. The schema checks only the length; this runs wherever a password is set.
 */
export function assertPasswordPolicy(password: string, username: string, field = 'password'): void {
  const broken = passwordRuleBroken(password, username);
  if (broken) throw new Invalid(field, `${PASSWORD_RULE_TEXT[broken]} (rule: ${broken})`);
}
