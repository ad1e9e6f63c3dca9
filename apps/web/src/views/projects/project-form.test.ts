import { describe, expect, it } from 'vitest';
import type { Preset, Project } from '@/api/projects';
import { applyPreset, badPath, createBody, editedFields, emptyForm, formOf, gitUrlProblem, prefilledForm, presetFields, updateBody } from './project-form';

const http = (url: string) => ({ type: 'http' as const, url, expectStatus: 200, timeoutSeconds: 5, retries: 5, intervalSeconds: 2 });

const preset = (id: Preset['id'], over: Partial<Preset> = {}): Preset => ({
  id,
  label: id,
  description: '',
  buildCommand: '',
  artifactPaths: [],
  sharedDirs: [],
  sharedFiles: [],
  restartCommand: '',
  healthCheck: null,
  service: { manager: 'none' },
  ...over,
});

const jar = preset('java-jar', { buildCommand: 'mvn package', artifactPaths: ['target/app.jar'], sharedDirs: ['logs'], restartCommand: 'restart.sh', healthCheck: http('http://127.0.0.1:8080/health') });
const vue = preset('vue', { buildCommand: 'npm ci && npm run build', artifactPaths: ['dist'] });

const project: Project = {
  id: 'p1',
  groupId: 'g1',
  name: 'shop',
  description: '',
  gitUrl: 'https://git.example.com/shop.git',
  gitCredentialId: null,
  buildAgentId: null,
  preset: 'java-jar',
  buildCommand: 'mvn package',
  artifactPaths: ['target/app.jar'],
  sharedDirs: ['logs'],
  sharedFiles: [],
  keepReleases: 5,
  packageCompression: 'gzip',
  restartCommand: 'restart.sh',
  healthCheck: http('http://127.0.0.1:8080/health'),
  hooks: { 'before-release': 'echo migrate', 'after-release': 'echo done' },
  service: { manager: 'none' },
  defaultBranch: null,
  gitPlatformId: null,
  remoteProjectId: null,
  environmentCount: 1,
  archivedAt: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

describe('type presets', () => {
  it('a form still holding the old preset\'s values has nothing to ask about', () => {
    const form = emptyForm('g1');
    applyPreset(form, presetFields(jar));
    expect(editedFields(form, presetFields(jar), presetFields(vue))).toEqual([]);
    applyPreset(form, presetFields(vue));
    expect(form.buildCommand).toBe('npm ci && npm run build');
    expect(form.artifactPaths).toEqual(['dist']);
    expect(form.health.type).toBe('none');
  });

  it('names the fields the user changed and keeps them when asked to', () => {
    const form = emptyForm('g1');
    applyPreset(form, presetFields(jar));
    form.buildCommand = 'mvn -Pprod package';
    form.health.url = 'http://127.0.0.1:9000/ok';
    const edited = editedFields(form, presetFields(jar), presetFields(vue));
    expect(edited).toEqual(['buildCommand', 'health']);
    applyPreset(form, presetFields(vue), edited);
    expect(form.buildCommand).toBe('mvn -Pprod package');
    expect(form.health.url).toBe('http://127.0.0.1:9000/ok');
    expect(form.artifactPaths).toEqual(['dist']);
  });

  it('a saved project customised away from its preset counts as edited', () => {
    const form = formOf({ ...project, restartCommand: 'systemctl restart shop' });
    expect(editedFields(form, presetFields(jar), presetFields(vue))).toEqual(['restartCommand']);
  });
});

describe('request bodies', () => {
  it('create sends only stages with a script and null for no health check', () => {
    const form = emptyForm('g1');
    Object.assign(form, { name: ' shop ', gitUrl: 'git@git.example.com:team/shop.git', preset: 'static' });
    form.hooks['after-release'] = 'echo hi';
    form.hooks['before-release'] = '   ';
    const body = createBody(form);
    expect(body).toMatchObject({ groupId: 'g1', name: 'shop', preset: 'static', gitCredentialId: null, buildAgentId: null, healthCheck: null, hooks: { 'after-release': 'echo hi' } });
    expect(body.packageCompression).toBe('gzip');
  });

  it('an import fills the form and links the new project to the platform\'s project; a plain creation sends no link', () => {
    const prefill = { name: 'shop', description: 'the shop', gitUrl: 'https://git.example.com/team/shop.git', gitCredentialId: 'c1', defaultBranch: 'main', gitPlatformId: 'p1', remoteProjectId: '42' };
    const form = prefilledForm('g1', prefill);
    expect(form).toMatchObject({ groupId: 'g1', name: 'shop', description: 'the shop', gitUrl: prefill.gitUrl, gitCredentialId: 'c1', preset: '' });
    expect(prefilledForm('g1', { ...prefill, groupId: 'g2' }).groupId).toBe('g2');
    form.preset = 'static';
    expect(createBody(form, prefill)).toMatchObject({ groupId: 'g1', name: 'shop', gitCredentialId: 'c1', gitPlatformId: 'p1', remoteProjectId: '42', defaultBranch: 'main' });
    expect(Object.keys(createBody(form))).not.toContain('gitPlatformId');
  });

  it('update sends the compression the form shows', () => {
    const form = formOf(project);
    expect(updateBody(form, project).packageCompression).toBe('gzip');
    form.packageCompression = 'none';
    expect(updateBody(form, project).packageCompression).toBe('none');
  });

  it('update removes emptied hooks with null, sends changed ones and leaves the rest out', () => {
    const form = formOf(project);
    form.hooks['before-release'] = '';
    form.hooks['before-checkout'] = 'echo first';
    const body = updateBody(form, project);
    expect(body.hooks).toEqual({ 'before-release': null, 'before-checkout': 'echo first' });
    expect(body).not.toHaveProperty('groupId');
    expect(body.healthCheck).toEqual({ type: 'http', url: 'http://127.0.0.1:8080/health', expectStatus: 200, timeoutSeconds: 5, retries: 5, intervalSeconds: 2 });
  });
});

describe('service config', () => {
  it('sends only what the chosen manager uses, without empty fields; none sends the manager alone', () => {
    const form = formOf({ ...project, service: { manager: 'supervisor', command: 'exec ./run', stopSignal: 'INT', supervisor: { programDir: '/etc/supervisord.d' } } });
    form.service.environment.push({ key: 'PORT', value: '8080' }, { key: ' ', value: '' });
    form.service.schedule = '*/5 * * * *';
    expect(updateBody(form, project).service).toEqual({ manager: 'supervisor', command: 'exec ./run', environment: { PORT: '8080' }, stopSignal: 'INT', supervisor: { programDir: '/etc/supervisord.d' } });
    form.service.manager = 'cron';
    expect(updateBody(form, project).service).toEqual({ manager: 'cron', command: 'exec ./run', environment: { PORT: '8080' }, schedule: '*/5 * * * *' });
    form.service.manager = 'none';
    expect(updateBody(form, project).service).toEqual({ manager: 'none' });
  });

  it('a type change fills the service from the preset, and a service the user chose counts as an edit', () => {
    const form = emptyForm('g1');
    const withService = preset('nodejs', { service: { manager: 'none', command: 'exec npm start' } });
    applyPreset(form, presetFields(withService));
    expect(form.service.command).toBe('exec npm start');
    expect(editedFields(form, presetFields(withService), presetFields(vue))).toEqual([]);
    form.service.manager = 'pm2';
    expect(editedFields(form, presetFields(withService), presetFields(vue))).toEqual(['service']);
  });
});

describe('client-side checks mirror the API', () => {
  it('Git URLs', () => {
    expect(gitUrlProblem('https://git.example.com/shop.git')).toBeNull();
    expect(gitUrlProblem('git@git.example.com:team/shop.git')).toBeNull();
    expect(gitUrlProblem('https://user:tok@git.example.com/shop.git')).toBe('gitUrlToken');
    expect(gitUrlProblem('ftp://git.example.com/shop.git')).toBe('gitUrlScheme');
    expect(gitUrlProblem('-uhttps://x')).toBe('gitUrlDash');
  });

  it('relative paths', () => {
    expect(badPath(['target/app.jar', 'dist/'])).toBeNull();
    expect(badPath(['/etc/passwd'])).toBe('/etc/passwd');
    expect(badPath(['a/../b'])).toBe('a/../b');
    expect(badPath(['has space'])).toBe('has space');
  });
});
