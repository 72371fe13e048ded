// Shared mode: how fast control reaches a task on another node. 1 API node and 2 worker nodes on the
// Redis at REDIS_URL, under a key prefix of the run's own that is deleted afterwards.
const { spawn, execFileSync } = require('node:child_process');
const { join } = require('node:path');
const { randomUUID } = require('node:crypto');
const { BenchService, ROOT, WORKER_ENV_EXCLUDE } = require('./bench-service');
const { nowMs, sleep, summary } = require('./stats');

function startWorkerNode(env) {
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'main.js')], { env: { ...process.env, ...env, ROLE: 'worker' }, stdio: 'ignore' });
  return { stop: () => new Promise((resolve) => (child.once('exit', resolve), child.kill('SIGTERM'))) };
}

async function sharedModeControl({ rounds }) {
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = `ntr-bench-${randomUUID().slice(0, 8)}`;
  const env = { QUEUE: 'bullmq', REDIS_URL: redisUrl, REDIS_PREFIX: prefix, MAX_CONCURRENCY: '2', WORKER_POOL_MIN: '0', WORKER_ENV_EXCLUDE: WORKER_ENV_EXCLUDE.join(',') };
  const workers = [startWorkerNode(env), startWorkerNode(env)];
  const api = await BenchService.start({ ...env, ROLE: 'api' });
  const times = { pause: [], resume: [], detail: [] };
  try {
    const ids = [];
    for (let i = 0; i < 4; i++) ids.push((await api.submit('process_data', { step_ms: 60000 })).task_id);
    for (const id of ids) await api.waitFor(id, (t) => t.status === 'running', 60000, 20);
    for (let round = 0; round < rounds; round++) {
      for (const id of ids) {
        let started = nowMs();
        const paused = await api.request('POST', `/tasks/${id}/control`, { action: 'pause' });
        if (paused.body.status !== 'paused') throw new Error(`pause answered ${JSON.stringify(paused.body)}`);
        times.pause.push(nowMs() - started);
        started = nowMs();
        await api.request('GET', `/tasks/${id}?detail=true`);
        times.detail.push(nowMs() - started);
        started = nowMs();
        await api.request('POST', `/tasks/${id}/control`, { action: 'resume' });
        times.resume.push(nowMs() - started);
        await sleep(20);
      }
    }
    for (const id of ids) await api.request('DELETE', `/tasks/${id}`);
    const nodes = new Set((await api.request('GET', '/tasks?limit=4')).body.tasks.map((t) => t.node));
    return { worker_nodes: nodes.size, pause_ms: summary(times.pause), resume_ms: summary(times.resume), detail_ms: summary(times.detail) };
  } finally {
    await api.stop();
    await Promise.all(workers.map((w) => w.stop()));
    const keys = execFileSync('redis-cli', ['-u', redisUrl, '--scan', '--pattern', `${prefix}:*`], { encoding: 'utf8' }).split('\n').filter(Boolean);
    for (let i = 0; i < keys.length; i += 500) execFileSync('redis-cli', ['-u', redisUrl, 'DEL', ...keys.slice(i, i + 500)]);
  }
}

module.exports = { sharedModeControl };
