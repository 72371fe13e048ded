const { fork } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { WORKER_ENTRY, workerForkOptions } = require('../dist/workers/worker-process');
const { bareForkMs } = require('./bare-reference');
const { WORKER_ENV_EXCLUDE, WORKER_NICE } = require('./bench-service');
const { nowMs, rssMb, sleep, summary } = require('./stats');

/**
 * Metric 3: the real worker entry forked the way the pool forks it, timed
 * from fork to `ready` (control server listening); then its RSS once idle.
 * Before each, a bare fork to its first message, in the same environment:
 * what Node's own start-up takes on the machine at that moment. Where the
 * machine sets what the benchmark's workers are started without
 * (NODE_EXTRA_CA_CERTS), a boot with it follows each.
 */
async function coldBoot(samples) {
  const inherited = WORKER_ENV_EXCLUDE.filter((name) => process.env[name] !== undefined);
  const bareMs = [];
  const bootMs = [];
  const inheritedBootMs = [];
  const rss = [];
  const pss = [];
  for (let i = 0; i < samples; i++) {
    bareMs.push(await bareForkMs());
    const started = nowMs();
    const child = await bootWorker();
    bootMs.push(nowMs() - started);
    await sleep(1000);
    rss.push(rssMb(child.pid));
    pss.push(pssMb(child.pid));
    await kill(child);
    if (inherited.length > 0) {
      const again = nowMs();
      await kill(await bootWorker([]));
      inheritedBootMs.push(nowMs() - again);
    }
  }
  return {
    boot_ms: summary(bootMs),
    bare_fork_ms: summary(bareMs),
    env_excluded: WORKER_ENV_EXCLUDE,
    // Only names the machine sets: none, and the row is left out.
    inherited_env: inherited,
    inherited_boot_ms: inherited.length > 0 ? summary(inheritedBootMs) : null,
    idle_rss_mb: summary(rss),
    idle_pss_mb: summary(pss),
    ...(await settledRss(SETTLED_SAMPLES)),
    entry: WORKER_ENTRY,
  };
}

const SETTLED_SAMPLES = 3;
/** V8 gives back the heap a child grew while booting about 8 s after it goes quiet. */
const SETTLE_MS = 12000;

/** RSS of children left idle past V8's memory reducer: what a warm pool holds between bursts. */
async function settledRss(samples) {
  const children = [];
  for (let i = 0; i < samples; i++) children.push(await bootWorker());
  await sleep(SETTLE_MS);
  const rss = children.map((child) => rssMb(child.pid));
  for (const child of children) child.kill('SIGKILL');
  return { settled_idle_rss_mb: summary(rss), settle_ms: SETTLE_MS };
}

/** Forks the worker entry as the bench service's pool does and completes its boot handshake; resolves once it is ready. */
async function bootWorker(envExclude = WORKER_ENV_EXCLUDE) {
  const child = fork(WORKER_ENTRY, [], workerForkOptions({ envExclude }));
  await new Promise((resolve, reject) => {
    child.on('message', (m) => {
      if (m?.type === 'online') child.send({ type: 'boot', token: randomBytes(32).toString('base64url'), nice: WORKER_NICE });
      if (m?.type === 'ready') resolve();
      if (m?.type === 'failed') reject(new Error(m.error.message));
    });
  });
  return child;
}

async function kill(child) {
  child.kill('SIGKILL');
  await new Promise((resolve) => child.on('exit', resolve));
}

/** Proportional set size: shared pages (the node binary) split among the processes that map them. */
function pssMb(pid) {
  const match = /Pss:\s+(\d+) kB/.exec(require('node:fs').readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
  return match ? Number(match[1]) / 1024 : null;
}

module.exports = { coldBoot };
