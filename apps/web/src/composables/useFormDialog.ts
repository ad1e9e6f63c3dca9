import { nextTick, ref, watch, type Ref } from 'vue';
import type { FormInstance } from 'element-plus';
import { i18n } from '@/locales';
import { notifyError, notifySuccess } from '@/utils/feedback';
import { fieldErrorsOf } from '@/utils/form-errors';

export interface FormDialogOptions<F extends object, S> {
  /** The dialog's v-model. */
  visible: Ref<boolean>;
  /** The form for the record being opened (or a blank one), built afresh each time the dialog opens. */
  initial: () => F;
  /** Runs on opening, after the form is reset: loads what the form offers to choose from. */
  onOpen?: () => void;
  /** Sends the form; null when there was nothing to send, and the dialog just closes. */
  save: (form: F) => Promise<S | null>;
  /** An edit says "saved" when it is done, a creation "created". */
  editing?: () => boolean;
  /** The toast after saving instead of "saved" / "created"; '' for none. */
  successMessage?: () => string;
  /** The API's complaints shown under the fields they concern; by default its validation details. */
  fieldErrors?: (err: unknown) => Record<string, string>;
  /** Failures the field message says all about, so they get no toast. */
  quiet?: (err: unknown) => boolean;
  /** After a save, with the dialog closed: tell the page, refresh what it shows. */
  onSaved?: (saved: S) => void | Promise<void>;
}

/** A create/edit dialog's state, as FormDialog.vue binds it. */
export interface FormDialog<F extends object = object> {
  visible: Ref<boolean>;
  form: Ref<F>;
  formRef: Ref<FormInstance | undefined>;
  submitting: Ref<boolean>;
  /** Messages from the API per field, for `:error` on the form items. */
  errors: Ref<Record<string, string>>;
  submit: () => Promise<void>;
  close: () => void;
  /** A function ref for the dialog's el-form. */
  bindForm: (el: unknown) => void;
}

/**
 * The life of a create/edit dialog: a fresh form and no stale messages each time it opens, the form's rules checked
 * before anything is sent, one request at a time, the API's field errors under the fields, then a toast, closing
 * and telling the page.
 */
export function useFormDialog<F extends object, S>(options: FormDialogOptions<F, S>): FormDialog<F> {
  const { visible } = options;
  const form = ref(options.initial()) as Ref<F>;
  const formRef = ref<FormInstance>();
  const submitting = ref(false);
  const errors = ref<Record<string, string>>({});

  watch(visible, async (open) => {
    if (!open) return;
    form.value = options.initial();
    errors.value = {};
    options.onOpen?.();
    await nextTick();
    formRef.value?.clearValidate();
  });

  function successMessage(): string {
    if (options.successMessage) return options.successMessage();
    return i18n.global.t(options.editing?.() ? 'common.saved' : 'common.created');
  }

  async function submit(): Promise<void> {
    errors.value = {};
    if (submitting.value || !formRef.value || !(await formRef.value.validate().catch(() => false))) return;
    submitting.value = true;
    try {
      const saved = await options.save(form.value);
      if (saved !== null) {
        const message = successMessage();
        if (message) notifySuccess(message);
      }
      close();
      if (saved !== null) await options.onSaved?.(saved);
    } catch (err) {
      errors.value = (options.fieldErrors ?? fieldErrorsOf)(err);
      if (!options.quiet?.(err)) notifyError(err);
    } finally {
      submitting.value = false;
    }
  }

  const close = () => {
    visible.value = false;
  };
  const bindForm = (el: unknown) => {
    formRef.value = (el ?? undefined) as FormInstance | undefined;
  };

  return { visible, form, formRef, submitting, errors, submit, close, bindForm };
}
