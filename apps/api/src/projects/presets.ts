import type { PresetId } from '@rp/contract/presets';
import type { ServiceConfig } from '@rp/contract/supervision';

/**
 * Type presets: starting points the SPA fills project forms from, and the defaults a project created with
 * `preset` gets for every field it leaves out. Commands assume the usual layout of each kind of project; the
 * restart scripts run in the new release directory on each target with the environment's variables exported.
 */
export type HealthCheckConfig =
  | { type: 'http'; url: string; expectStatus: number; timeoutSeconds: number; retries: number; intervalSeconds: number }
  | { type: 'command'; command: string; timeoutSeconds: number; retries: number; intervalSeconds: number };

export interface ProjectPreset {
  id: PresetId;
  label: string;
  description: string;
  buildCommand: string;
  artifactPaths: string[];
  sharedDirs: string[];
  sharedFiles: string[];
  restartCommand: string;
  healthCheck: HealthCheckConfig | null;
  /**
   * How a service manager would run it: the restart command runs the service until a manager is chosen, and then
   * the suggested start command is ready for supervisor or systemd.
   */
  service: ServiceConfig;
}

const NO_MANAGER: ServiceConfig = { manager: 'none' };
/** The preset's start command for a manager, which runs it in the foreground (hence `exec`: signals reach it). */
const suggest = (command: string): ServiceConfig => ({ manager: 'none', command });

const http = (url: string): HealthCheckConfig => ({ type: 'http', url, expectStatus: 200, timeoutSeconds: 5, retries: 5, intervalSeconds: 2 });


export const PRESETS: Record<PresetId, ProjectPreset> = {
  'java-jar': {
    id: 'java-jar',
    label: 'Java (Spring Boot jar)',
    description: 'Maven build of an executable jar, run with java -jar',
    buildCommand: 'mvn -B -q -DskipTests package',
    artifactPaths: ['target/app.jar'],
    sharedDirs: ['logs'],
    sharedFiles: ['config/application.yml'],
    restartCommand: [
      '#!/bin/sh',
      'set -e',
      'pid_file="$DEPLOY_PATH/shared/app.pid"',
      '[ -f "$pid_file" ] && kill "$(cat "$pid_file")" 2>/dev/null || true',
      'nohup java $JAVA_OPTS -jar target/app.jar --spring.config.additional-location=optional:file:config/ >> logs/app.log 2>&1 &',
      'echo $! > "$pid_file"',
    ].join('\n'),
    healthCheck: http('http://127.0.0.1:{{PORT}}/actuator/health'),
    service: suggest('exec java $JAVA_OPTS -jar target/app.jar --spring.config.additional-location=optional:file:config/'),
  },
  'java-war': {
    id: 'java-war',
    label: 'Java (war on Tomcat)',
    description: 'Maven build of a war, deployed as Tomcat\'s ROOT.war',
    buildCommand: 'mvn -B -q -DskipTests package',
    artifactPaths: ['target/ROOT.war'],
    sharedDirs: [],
    sharedFiles: [],
    restartCommand: ['#!/bin/sh', 'set -e', 'cp target/ROOT.war "$CATALINA_BASE/webapps/ROOT.war"', 'sudo systemctl restart tomcat'].join('\n'),
    healthCheck: http('http://127.0.0.1:8080/'),
    service: NO_MANAGER,
  },
  static: {
    id: 'static',
    label: 'Static site',
    description: 'Files served as they are by nginx from current/',
    buildCommand: '',
    artifactPaths: [],
    sharedDirs: [],
    sharedFiles: [],
    restartCommand: '',
    healthCheck: null,
    service: NO_MANAGER,
  },
  vue: {
    id: 'vue',
    label: 'Vue / front end (build + static)',
    description: 'npm build of a single-page app; nginx serves current/dist',
    buildCommand: 'npm ci && npm run build',
    artifactPaths: ['dist'],
    sharedDirs: [],
    sharedFiles: [],
    restartCommand: '',
    healthCheck: null,
    service: NO_MANAGER,
  },
  nodejs: {
    id: 'nodejs',
    label: 'Node.js',
    description: 'npm install of production dependencies, restarted through pm2',
    buildCommand: 'npm ci && npm run build --if-present && npm prune --omit=dev',
    artifactPaths: [],
    sharedDirs: ['logs'],
    sharedFiles: ['.env'],
    restartCommand: ['#!/bin/sh', 'set -e', 'pm2 startOrReload ecosystem.config.js --update-env'].join('\n'),
    healthCheck: http('http://127.0.0.1:{{PORT}}/health'),
    service: suggest('exec npm start'),
  },
  python: {
    id: 'python',
    label: 'Python (gunicorn)',
    description: 'A virtualenv with the requirements, served by gunicorn under systemd',
    buildCommand: 'python3 -m venv .venv && .venv/bin/pip install -q -r requirements.txt',
    artifactPaths: [],
    sharedDirs: ['logs'],
    sharedFiles: ['.env'],
    restartCommand: ['#!/bin/sh', 'set -e', 'sudo systemctl restart "$APP_SERVICE"'].join('\n'),
    healthCheck: http('http://127.0.0.1:{{PORT}}/health'),
    service: suggest('exec .venv/bin/gunicorn --bind 127.0.0.1:${PORT:-8000} app:app'),
  },
  golang: {
    id: 'golang',
    label: 'Go',
    description: 'A static binary built on the platform host, restarted under systemd',
    buildCommand: 'CGO_ENABLED=0 go build -o bin/app .',
    artifactPaths: ['bin/app'],
    sharedDirs: ['logs'],
    sharedFiles: ['config.yaml'],
    restartCommand: ['#!/bin/sh', 'set -e', 'sudo systemctl restart "$APP_SERVICE"'].join('\n'),
    healthCheck: http('http://127.0.0.1:{{PORT}}/healthz'),
    service: suggest('exec ./bin/app'),
  },
  php: {
    id: 'php',
    label: 'PHP (composer + php-fpm)',
    description: 'composer install; php-fpm reloaded so opcache sees the new release',
    buildCommand: 'composer install --no-dev --optimize-autoloader --no-interaction',
    artifactPaths: [],
    sharedDirs: ['storage', 'runtime'],
    sharedFiles: ['.env'],
    restartCommand: ['#!/bin/sh', 'set -e', 'sudo systemctl reload php-fpm'].join('\n'),
    healthCheck: http('http://127.0.0.1/'),
    service: NO_MANAGER,
  },
  shell: {
    id: 'shell',
    label: 'Shell / anything else',
    description: 'No build; restart and health check are your own scripts',
    buildCommand: '',
    artifactPaths: [],
    sharedDirs: [],
    sharedFiles: [],
    restartCommand: '',
    healthCheck: null,
    service: NO_MANAGER,
  },
};
