const { Queue, QueueEvents, Worker } = require('bullmq');
const { join } = require('node:path');
const { nowMs, sleep, summary } = require('./stats');

const PROCESSOR = join(__dirname, 'bullmq-noop-processor.js');

/**
 * BullMQ on the same machine and Redis: a sandboxed processor file (each
 * job runs in a reused child process) doing the same no-op, at the same
 * concurrency. Metric 1 (add-to-start) and metric 2 (jobs/s).
 */
async function bullmqPeer({ concurrency, latencySamples, throughputJobs }) {
  const connection = { url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', maxRetriesPerRequest: null };
  const prefix = 'ntr-bench';
  const name = `noop-${process.pid}-${Date.now()}`;
  const queue = new Queue(name, { connection, prefix });
  const events = new QueueEvents(name, { connection, prefix });
  const worker = new Worker(name, PROCESSOR, { connection, prefix, concurrency });
  await Promise.all([queue.waitUntilReady(), events.waitUntilReady(), worker.waitUntilReady()]);
  try {
    // Warm: every sandbox child forked and its processor loaded.
    await Promise.all(Array.from({ length: concurrency * 10 }, async () => (await queue.add('noop', {})).waitUntilFinished(events)));

    const latency = [];
    for (let i = 0; i < latencySamples; i++) {
      const added = nowMs();
      const job = await queue.add('noop', {}, { removeOnComplete: true });
      const result = await job.waitUntilFinished(events);
      latency.push(result.started_at_ms - added);
      await sleep(2);
    }

    const started = nowMs();
    const batches = [];
    for (let i = 0; i < throughputJobs; i += 500) {
      const size = Math.min(500, throughputJobs - i);
      batches.push(queue.addBulk(Array.from({ length: size }, () => ({ name: 'noop', data: {} }))));
    }
    await Promise.all(batches);
    while ((await queue.getJobCounts('completed')).completed < throughputJobs + concurrency * 10) await sleep(10);
    // The last job's own finish time, as on the service's side: polling granularity does not count.
    const finished = Math.max(...(await queue.getCompleted(0, -1)).map((job) => job.finishedOn ?? 0));
    const elapsedS = (finished - started) / 1000;
    const jobsPerS = Math.round(throughputJobs / elapsedS);
    await queue.clean(0, 0, 'completed');
    return { add_to_start_ms: summary(latency), jobs_per_s: jobsPerS, jobs_per_s_single_adds: await singleAdds(queue, throughputJobs) };
  } finally {
    await worker.close();
    await queue.obliterate({ force: true });
    await Promise.all([queue.close(), events.close()]);
  }
}

/** The same jobs submitted as the service's are: one `queue.add` per job from 16 clients at once. */
async function singleAdds(queue, jobs) {
  const started = nowMs();
  let next = 0;
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (next++ < jobs) await queue.add('noop', {});
  }));
  while ((await queue.getJobCounts('completed')).completed < jobs) await sleep(10);
  const finished = Math.max(...(await queue.getCompleted(0, -1)).map((job) => job.finishedOn ?? 0));
  return Math.round(jobs / ((finished - started) / 1000));
}

module.exports = { bullmqPeer };
