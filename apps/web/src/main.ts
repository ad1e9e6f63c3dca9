import { createApp } from 'vue';
import { createPinia } from 'pinia';
import 'element-plus/theme-chalk/dark/css-vars.css';
import './styles/index.css';
import './styles/lists.css';
import './styles/forms.css';
import App from './App.vue';
import { configureHttp } from './api/http';
import { i18n } from './locales';
import { router } from './router';
import { httpSession } from './router/session';
import { usePreferencesStore } from './stores/preferences';

// Before the router starts: its first navigation already asks the API who is signed in.
configureHttp(httpSession);

const app = createApp(App);
const pinia = createPinia();
app.use(pinia);
app.use(i18n);
app.use(router);

// Apply the saved theme and language before the first paint so the page does not flash.
usePreferencesStore(pinia);
document.documentElement.lang = i18n.global.locale.value;

router.onError((err: unknown) => {
  ElMessage.error(err instanceof Error ? err.message : String(err));
});

app.mount('#app');
