const { FINISHED } = require('./bench-service');
const { openLoop } = require('./open-loop');
const { cpuMs, nowMs, sleep, summary, round } = require('./stats');

/** How long the handler's loop runs: a settling pause, the quiet window, the requests' window, a margin. */
const LOOP_S = 7;
const QUIET_WINDOW_MS = 2000;
const REQUEST_WINDOW_MS = 4000;

/**
 * Metric 9: a handler that calls ctx.progress in a tight loop, against the
 * same loop reaching only a checkpoint. Through each: the API's CPU time
 * while nothing asks it anything, then GET /tasks/{id} at a fixed rate (open
 * loop): their latency, and how often the stored progress changed, which is
 * how often the store was written (the GETs come far more often than
 * PROGRESS_WRITE_MS).
 */
async function progressFlood(service, { rate }) {
  const quiet = await floodPhase(service, { rate, report: false });
  const flood = await floodPhase(service, { rate, report: true });
  return { rate, quiet, flood };
}

async function floodPhase(service, { rate, report }) {
  const task = await service.submit('bench_progress_flood', { seconds: LOOP_S, report });
  await service.waitFor(task.task_id, (t) => t.status === 'running', 30000, 2);
  // Inside the handler's loop, its first reports out.
  await sleep(300);
  const cpuBefore = cpuMs(service.pid);
  await sleep(QUIET_WINDOW_MS);
  const apiCpuMsPerS = round((cpuMs(service.pid) - cpuBefore) / (QUIET_WINDOW_MS / 1000));

  const stored = new Set();
  const start = nowMs();
  const latency = await openLoop((REQUEST_WINDOW_MS * rate) / 1000, rate, async () => {
    const { body } = await service.request('GET', `/tasks/${task.task_id}`);
    if (body.status === 'running' && body.progress_info) stored.add(body.progress_info.calls);
  });
  const requestS = (nowMs() - start) / 1000;
  const done = await service.waitFor(task.task_id, (t) => FINISHED.has(t.status), 30000, 20);
  if (done.status !== 'completed') throw new Error(`progress flood ${done.status}: ${JSON.stringify(done.error)}`);
  return {
    handler_calls_per_s: done.result.calls_per_s,
    api_cpu_ms_per_s: apiCpuMsPerS,
    get_task_ms: summary(latency),
    // The value there when the window opened is not a write made in it.
    stored_changes: Math.max(0, stored.size - 1),
    request_s: round(requestS),
  };
}

module.exports = { progressFlood };
