import type { FormItemRule } from 'element-plus';

/** The API's rules for a resource's name (required, 100 characters) and description (500), shown with `message`. */
export function nameRules(message: string): { name: FormItemRule[]; description: FormItemRule[] } {
  return {
    name: [
      { required: true, whitespace: true, message, trigger: 'blur' },
      { max: 100, trigger: 'blur' },
    ],
    description: [{ max: 500, trigger: 'blur' }],
  };
}
