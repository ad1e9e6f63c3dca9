/**
 * Test harness for code that drives @rp/deploy-engine against real OpenSSH servers (see README.md beside this file).
 *
 *   const ssh = await startSshHosts(3);                 // real `sshd -D` children on 127.0.0.1
 *   const repo = createSampleAppRepo();                  // local Git repo of a tiny HTTP service
 *   const targets = await sampleTargets(ssh.hosts);      // one target per host, own app port
 *   const plan = samplePlan({ releaseId: 'r1', gitUrl: repo.url, commit: repo.commits[0]!, workDir, targets });
 *   …
 *   await ssh.stopAll(); repo.remove();
 */
export { startSshHosts, type SshHost, type SshHosts, type StartSshHostsOptions } from './ssh-hosts.js';
export { createSampleAppRepo, type SampleAppRepo } from './sample-app.js';
export { freePort, samplePlan, sampleTargets, type SampleTargetOptions } from './sample-plan.js';
export { readHost, type HostState } from './host-state.js';
export { startSupervisor, type HostSupervisor, type StartSupervisorOptions } from './supervisor.js';
