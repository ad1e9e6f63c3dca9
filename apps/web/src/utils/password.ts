import type { FormItemRule } from 'element-plus';
import { i18n } from '@/locales';
import { PASSWORD_MAX, PASSWORD_MIN, passwordRuleBroken } from '@/api/users';

const { t } = i18n.global;
const limits = { min: PASSWORD_MIN, max: PASSWORD_MAX };

/**
 * The API's password policy (length, at least two character classes, not the username), checked before submitting
 * so the user never sees a bare 400. `username` is whose password it is, when known.
 */
export function newPasswordRules(username: () => string = () => ''): FormItemRule[] {
  return [
    { required: true, message: t('users.password.required'), trigger: 'blur' },
    {
      validator: (_rule, value: string, callback) => {
        const broken = passwordRuleBroken(value ?? '', username());
        return broken ? callback(new Error(t(`users.password.rules.${broken}`, limits))) : callback();
      },
      trigger: 'blur',
    },
  ];
}

export function confirmPasswordRules(password: () => string): FormItemRule[] {
  return [
    { required: true, message: t('users.password.required'), trigger: 'blur' },
    {
      validator: (_rule, value: string, callback) => (value === password() ? callback() : callback(new Error(t('users.password.mismatch')))),
      trigger: 'blur',
    },
  ];
}

export const passwordHint = () => t('users.password.hint', limits);

// No look-alikes (0/O, 1/l/I): an initial password is often read out or typed from a chat message.
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789!@#%^*-_=+';

/** A random password from the browser's CSPRNG, drawn again in the rare case it falls short of the policy. */
export function generatePassword(length = 16): string {
  for (;;) {
    const bytes = crypto.getRandomValues(new Uint32Array(length));
    const password = Array.from(bytes, (n) => ALPHABET[n % ALPHABET.length]).join('');
    if (!passwordRuleBroken(password)) return password;
  }
}
