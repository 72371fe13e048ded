const http = require('node:http');
const { FINISHED, agent } = require('./bench-service');
const { openLoop } = require('./open-loop');
const { bareMakespanRound } = require('./bare-reference');
const { nowMs, percentile, rssMb, sleep, summary, round } = require('./stats');

/** A GET that reads no body, for the load phase: parsing replies would show up in the client's latencies. */
function get(baseUrl, path) {
  return new Promise((resolve, reject) => {
    http
      .get(baseUrl + path, { agent }, (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode));
      })
      .on('error', reject);
  });
}

/** Runs `fn(i)` for i < n with at most `concurrency` in flight; resolves with the results in order. */
async function inParallel(n, concurrency, fn) {
  const results = new Array(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, concurrency) }, async () => {
      while (next < n) {
        const i = next++;
        results[i] = await fn(i);
      }
    }),
  );
  return results;
}

/** Metric 1: POST /tasks to the handler's first line, one task at a time on an idle, warm service. */
async function submitToStart(service, { samples, cpus }) {
  for (let i = 0; i < 10; i++) await service.waitFor((await service.submit('bench_noop')).task_id, (t) => FINISHED.has(t.status));
  const latency = [];
  for (let i = 0; i < samples; i++) {
    await service.waitForIdlePool(cpus);
    const submitted = nowMs();
    const task = await service.submit('bench_noop');
    const done = await service.waitFor(task.task_id, (t) => FINISHED.has(t.status));
    latency.push(done.result.started_at_ms - submitted);
  }
  return summary(latency);
}

/** As BullMQ's addBulk is fed: the tasks in batches of this many, all sent at once. */
const BATCH = 500;

/** Metric 2: the tasks through POST /tasks/batch, as BullMQ's peer uses addBulk. */
async function submitBatched(service, tasks) {
  const batches = [];
  for (let i = 0; i < tasks; i += BATCH) batches.push(service.submitBatch(Array.from({ length: Math.min(BATCH, tasks - i) }, () => ({ task_type: 'bench_noop' }))));
  return (await Promise.all(batches)).flat().map((task) => task.task_id);
}

/** Metric 2b: one POST /tasks per task from 16 clients, as BullMQ's peer makes single adds. */
function submitSingly(service, tasks) {
  return inParallel(tasks, 16, async () => (await service.submit('bench_noop')).task_id);
}

/**
 * No-op tasks through the HTTP API until the last finishes; tasks/s until the
 * last one's own finish time. `atEnd` runs once the last is seen finished,
 * before every task is read back.
 */
async function runNoops(service, tasks, submit, atEnd = () => {}) {
  const started = nowMs();
  const ids = await submit(service, tasks);
  await service.waitFor(ids[ids.length - 1], (t) => FINISHED.has(t.status), 300000, 20);
  await atEnd();
  const records = await inParallel(ids.length, 16, async (i) => service.waitFor(ids[i], (t) => FINISHED.has(t.status), 60000, 20));
  const failed = records.filter((t) => t.status !== 'completed').length;
  const finished = Math.max(...records.map((t) => Date.parse(t.finished_at)));
  return { tasks_per_s: Math.round(tasks / ((finished - started) / 1000)), failed };
}

/**
 * Metric 3d and 3e: the pool's children some time after they served tasks. A
 * child that has served WORKER_REFRESH_AFTER_TASKS is replaced 5 s into the
 * quiet spell, so the result says how many of the children read are new.
 */
async function idleAfterWork(service, { settleMs }) {
  await service.waitForIdlePool(1);
  const served = new Set((await service.request('GET', '/workers')).body.workers.map((w) => w.pid));
  await sleep(settleMs);
  const idle = (await service.request('GET', '/workers')).body.workers.filter((w) => w.state === 'idle' && w.rss_bytes);
  const rss = idle.map((w) => w.rss_bytes / 1024 / 1024);
  return { rss_mb: summary(rss), replaced: idle.filter((w) => !served.has(w.pid)).length, settle_ms: settleMs };
}

/** Metric 4 and 5: the API and the controls while CPU-bound tasks fill every core. */
async function underFullLoad(service, { cpus, seconds, rate }) {
  const hogs = [];
  for (let i = 0; i < cpus; i++) hogs.push(await service.submit('cpu_intensive', { complexity: 50_000_000, batches: 1000 }));
  await Promise.all(hogs.map((t) => service.waitFor(t.task_id, (r) => r.status === 'running' && r.progress > 0, 30000, 20)));

  const getLatency = await openLoop(seconds * rate, rate, (i) => get(service.baseUrl, `/tasks/${hogs[i % cpus].task_id}`));

  const pause = [];
  const resume = [];
  const target = hogs[0].task_id;
  for (let i = 0; i < 10; i++) {
    let sent = nowMs();
    const paused = await service.request('POST', `/tasks/${target}/control`, { action: 'pause' });
    if (paused.body.status === 'paused') pause.push(nowMs() - sent);
    await sleep(100);
    sent = nowMs();
    const resumed = await service.request('POST', `/tasks/${target}/control`, { action: 'resume' });
    if (resumed.body.status === 'running') resume.push(nowMs() - sent);
    await sleep(100);
  }

  // One core's task gives way to a handler that spins without ever reaching a checkpoint.
  await service.request('DELETE', `/tasks/${hogs[0].task_id}`);
  const spin = await service.submit('bench_spin');
  await service.waitFor(spin.task_id, (t) => t.status === 'running', 30000, 5);
  await sleep(200);
  const status = [];
  for (let i = 0; i < 200; i++) {
    const sent = nowMs();
    const reply = await service.request('GET', `/tasks/${spin.task_id}?detail=true`);
    if (reply.body.worker_status?.state === 'running') status.push(nowMs() - sent);
  }
  for (const t of [spin, ...hogs]) await service.request('DELETE', `/tasks/${t.task_id}`);
  return { get_task_ms: summary(getLatency), pause_ms: summary(pause), resume_ms: summary(resume), worker_status_ms: summary(status) };
}

/**
 * Metric 6: two CPU-bound tasks at once against one alone, in `rounds` rounds of one
 * alone then two at once. One round is one sample of each on a machine whose
 * other work can take a core for a second: the median round is the measure, and
 * every round is kept. Each round also runs the same handler in bare Node
 * processes (bare-reference.js), so the table shows what the machine gave at
 * that moment with no service around the work.
 */
async function makespan(service, { complexity, rounds, nice }) {
  const data = { complexity, batches: 5 };
  const span = (records) => Math.max(...records.map((t) => Date.parse(t.finished_at))) - Math.min(...records.map((t) => Date.parse(t.started_at)));
  const runAll = async (n) => {
    const tasks = [];
    for (let i = 0; i < n; i++) tasks.push(await service.submit('cpu_intensive', data));
    // The span comes from the records' own timestamps; polling rarely keeps the measurement off the two cores.
    return Promise.all(tasks.map((t) => service.waitFor(t.task_id, (r) => FINISHED.has(r.status), 120000, 250)));
  };
  await runAll(2); // warm: the handler's code optimised once in each worker is not what is measured
  const results = [];
  for (let i = 0; i < rounds; i++) {
    const alone = span(await runAll(1));
    const pair = span(await runAll(2));
    results.push({ alone_ms: alone, pair_ms: pair, ratio: round(pair / alone), bare: await bareMakespanRound(data, nice) });
  }
  const middle = results.find((r) => r.ratio === percentile(results.map((r) => r.ratio), 50));
  return { alone_ms: middle.alone_ms, pair_ms: middle.pair_ms, ratio: middle.ratio, bare_ratio: percentile(results.map((r) => r.bare.ratio), 50), rounds: results };
}

/** Metric 7: 100k tasks stored through POST /tasks; page latency of GET /tasks, and the API's RSS growth. */
/** `settleMs`: the quiet spell after the page reads during which the API's lowest RSS is its settled size. */
async function manyTasks(service, { tasks, settleMs }) {
  const blocker = await service.submit('process_data', { step_ms: 60000 });
  await service.waitFor(blocker.task_id, (t) => t.status === 'running', 30000, 20);
  await inParallel(200, 16, () => service.submit('bench_noop', {}, { priority: -1 })); // warm the paths before the baseline
  await sleep(500);
  const rssBefore = rssMb(service.pid);
  const started = nowMs();
  await inParallel(tasks, 32, () => service.submit('bench_noop', {}, { priority: -1 }));
  const insertS = (nowMs() - started) / 1000;
  await sleep(1000);
  const rssAfter = rssMb(service.pid);

  const pages = [];
  const time = async (path) => {
    const sent = nowMs();
    const reply = await service.request('GET', path);
    pages.push(nowMs() - sent);
    return reply.body;
  };
  let cursor = null;
  for (let i = 0; i < 200; i++) cursor = (await time(`/tasks?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)).next_cursor;
  for (let i = 0; i < 100; i++) await time('/tasks?status=queued&limit=50');
  for (let i = 0; i < 100; i++) await time('/tasks?task_type=bench_noop&limit=100');
  // What the API keeps: V8's memory reducer collects what the requests left some seconds into a quiet spell.
  let rssSettled = Infinity;
  for (let waited = 0; waited < settleMs; waited += 1000) {
    await sleep(1000);
    rssSettled = Math.min(rssSettled, rssMb(service.pid));
  }
  // The blocker stays: freeing its slot would start the 100k tasks; stopping the service interrupts it.
  return {
    stored: tasks + 201,
    page_ms: summary(pages),
    rss_before_mb: round(rssBefore),
    rss_after_mb: round(rssAfter),
    rss_growth_mb: round(rssAfter - rssBefore),
    settled_rss_mb: round(rssSettled),
    settled_rss_growth_mb: round(rssSettled - rssBefore),
    settle_ms: settleMs,
    insert_per_s: Math.round(tasks / insertS),
  };
}

module.exports = { submitToStart, submitBatched, submitSingly, runNoops, idleAfterWork, underFullLoad, makespan, manyTasks };
