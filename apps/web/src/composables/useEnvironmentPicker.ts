import { computed, onMounted, ref, watch } from 'vue';
import { useRoute, useRouter } from 'vue-router';
import { listEnvironments, type Environment } from '@/api/environments';
import { listProjects, type Project } from '@/api/projects';
import { notifyError } from '@/utils/feedback';

const one = (value: unknown) => (typeof value === 'string' && value ? value : '');

/**
 * Project → environment selection kept in the URL (`?project=&env=`), so a page about one environment can be
 * bookmarked and shared. Only reacts while `routeName` is the current route: leaving for another page changes the
 * query too.
 */
export function useEnvironmentPicker(routeName: string) {
  const route = useRoute();
  const router = useRouter();

  const projects = ref<Project[]>([]);
  const environments = ref<Environment[]>([]);
  const projectId = ref('');
  const environmentId = ref('');
  const loadingProjects = ref(false);
  const loadingEnvironments = ref(false);
  let environmentsOf = '';

  const environment = computed(() => environments.value.find((e) => e.id === environmentId.value) ?? null);
  const project = computed(() => projects.value.find((p) => p.id === projectId.value) ?? null);

  function select(project: string, env: string): void {
    const query: Record<string, string> = {};
    if (project) query.project = project;
    if (project && env) query.env = env;
    void router.replace({ query });
  }

  async function loadEnvironments(id: string): Promise<void> {
    environmentsOf = id;
    environments.value = [];
    if (!id) return;
    loadingEnvironments.value = true;
    try {
      const page = await listEnvironments(id, { pageSize: 200 });
      if (environmentsOf !== id) return;
      environments.value = page.items;
      // One environment leaves nothing to choose.
      const only = page.items.length === 1 ? page.items[0] : undefined;
      if (only && !environmentId.value) select(id, only.id);
    } catch (err) {
      notifyError(err);
    } finally {
      if (environmentsOf === id) loadingEnvironments.value = false;
    }
  }

  watch(
    () => route.query,
    (query) => {
      if (route.name !== routeName) return;
      const nextProject = one(query.project);
      projectId.value = nextProject;
      environmentId.value = nextProject ? one(query.env) : '';
      if (nextProject !== environmentsOf) void loadEnvironments(nextProject);
    },
    { immediate: true },
  );

  onMounted(async () => {
    loadingProjects.value = true;
    try {
      projects.value = (await listProjects({ pageSize: 200 })).items;
    } catch (err) {
      notifyError(err);
    } finally {
      loadingProjects.value = false;
    }
  });

  return {
    projects,
    environments,
    projectId,
    environmentId,
    project,
    environment,
    loadingProjects,
    loadingEnvironments,
    selectProject: (id: string | undefined) => select(id ?? '', ''),
    selectEnvironment: (id: string | undefined) => select(projectId.value, id ?? ''),
  };
}

export type EnvironmentPickerState = ReturnType<typeof useEnvironmentPicker>;
