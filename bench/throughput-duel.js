const { BullmqPeer } = require('./bullmq-peer');
const { runNoops, submitBatched, submitSingly } = require('./service-metrics');
const { childrenCpuMs, cpuMs, ownCpuMs, percentile } = require('./stats');

/**
 * Metric 2 and 2b: the service's no-op throughput and BullMQ's, in turns.
 * The machine's speed drifts by half within minutes, so the two are measured
 * in alternating runs of the same size (the service in batches, BullMQ in
 * bulk, the service one request per task, BullMQ one add per job, and
 * again), each form once unmeasured first, and compared by their medians.
 *
 * Each run also reads the CPU time every process of either side used, per
 * task, up to the moment the last task is seen finished. For the service:
 * its API process, its workers, and the benchmark's own HTTP clients. For
 * BullMQ: Redis, this process (the producer and BullMQ's Worker both live
 * here), and the sandbox children.
 */
async function throughputDuel(service, { tasks, rounds, concurrency }) {
  const peer = await BullmqPeer.open(concurrency);
  const serviceCpu = serviceMeter(service);
  const peerCpu = peerMeter(peer, service);
  const ours = (submit) => async (atEnd) => {
    const { tasks_per_s, failed } = await runNoops(service, tasks, submit, atEnd);
    return { per_s: tasks_per_s, failed };
  };
  const theirs = (run) => async (atEnd) => ({ per_s: await run(tasks, atEnd), failed: 0 });
  const forms = {
    service_batched: { run: ours(submitBatched), meter: serviceCpu },
    bullmq_bulk: { run: theirs((jobs, atEnd) => peer.addBulkRun(jobs, atEnd)), meter: peerCpu },
    service_single: { run: ours(submitSingly), meter: serviceCpu },
    bullmq_single: { run: theirs((jobs, atEnd) => peer.singleAddsRun(jobs, atEnd)), meter: peerCpu },
  };
  const runs = Object.fromEntries(Object.keys(forms).map((form) => [form, []]));
  try {
    for (let round = 0; round <= rounds; round++) {
      for (const [form, { run, meter }] of Object.entries(forms)) {
        const before = await meter();
        let after;
        const result = await run(async () => (after = await meter()));
        const perTask = Object.fromEntries(Object.keys(before).map((part) => [part, Math.round(((after[part] - before[part]) * 1000) / tasks)]));
        // The first round warms each form (the JIT, the SQLite file and WAL growing, Redis's memory), unmeasured.
        if (round > 0) runs[form].push({ ...result, cpu_us_per_task: perTask });
      }
    }
  } finally {
    await peer.close();
  }
  return { tasks_per_run: tasks, rounds, ...Object.fromEntries(Object.entries(runs).map(([form, list]) => [form, summarize(list)])) };
}

function serviceMeter(service) {
  return async () => ({ api: cpuMs(service.pid), workers: childrenCpuMs(service.pid), client: ownCpuMs() });
}

function peerMeter(peer, service) {
  return async () => ({ redis: await peer.redisCpuMs(), producer_and_worker: ownCpuMs(), children: childrenCpuMs(process.pid, [service.pid]) });
}

/** The median run's rate, every run's rate, and the median CPU per task of each part. */
function summarize(runs) {
  const median = (values) => percentile(values, 50);
  const parts = Object.keys(runs[0].cpu_us_per_task);
  return {
    per_s: median(runs.map((r) => r.per_s)),
    runs: runs.map((r) => r.per_s),
    failed: runs.reduce((sum, r) => sum + r.failed, 0),
    cpu_us_per_task: Object.fromEntries(parts.map((part) => [part, median(runs.map((r) => r.cpu_us_per_task[part]))])),
  };
}

module.exports = { throughputDuel };
