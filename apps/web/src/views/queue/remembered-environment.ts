import { watch } from 'vue';
import { useRoute } from 'vue-router';
import type { EnvironmentPickerState } from '@/composables/useEnvironmentPicker';
import { useAuthStore } from '@/stores/auth';

interface Choice {
  project: string;
  env: string;
}

function read(key: string): Choice | null {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(key) ?? 'null');
    const choice = value as Partial<Choice> | null;
    return typeof choice?.project === 'string' && typeof choice.env === 'string' ? { project: choice.project, env: choice.env } : null;
  } catch {
    return null;
  }
}

/**
 * A page about one environment that the URL names none for opens on the user's last choice there (kept per user in
 * localStorage) while it still exists, or on the only project there is; the picker itself takes a project's only
 * environment. `routeName` is the page's route, as given to `useEnvironmentPicker`.
 */
export function useRememberedEnvironment(picker: EnvironmentPickerState, routeName: string): void {
  const route = useRoute();
  const auth = useAuthStore();
  const key = () => `rp.lastEnvironment.${routeName}.${auth.user?.id ?? ''}`;
  // Choosing rewrites the URL of the current page: once the user has left, nothing is chosen for them.
  const here = () => route.name === routeName;

  watch(
    [picker.projectId, picker.environmentId],
    ([project, env]) => {
      if (project && env && here()) localStorage.setItem(key(), JSON.stringify({ project, env }));
    },
    { immediate: true },
  );

  watch(picker.projects, (projects) => {
    if (picker.projectId.value || !here()) return;
    const last = read(key());
    const pick = projects.find((p) => p.id === last?.project) ?? (projects.length === 1 ? projects[0] : undefined);
    if (pick) picker.selectProject(pick.id);
  });

  watch(picker.environments, (environments) => {
    const last = read(key());
    if (picker.environmentId.value || !here() || last?.project !== picker.projectId.value) return;
    if (environments.some((e) => e.id === last.env)) picker.selectEnvironment(last.env);
  });
}
