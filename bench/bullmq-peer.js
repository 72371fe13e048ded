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
    // Warm: every sandbox child forked and its processor loaded. Each job waited on listens for the queue
    // closing; more than 10 at once is meant here, not a leak, and Node's warning only cluttered the output.
    queue.setMaxListeners(concurrency * 10 + 10);
    await Promise.all(Array.from({ length: concurrency * 10 }, async () => (await queue.add('noop', {})).waitUntilFinished(events)));

    const latency = [];
    for (let i = 0; i < latencySamples; i++) {
      const added = nowMs();
      const job = await queue.add('noop', {}, { removeOnComplete: true });
      const result = await job.waitUntilFinished(events);
      latency.push(result.started_at_ms - added);
      await sleep(2);
    }

    await queue.clean(0, 0, 'completed');
    // Each measured run after an unmeasured one of the same size, as the service gets.
    await addBulkRun(queue, throughputJobs);
    const jobsPerS = await addBulkRun(queue, throughputJobs);
    await singleAdds(queue, throughputJobs);
    return { add_to_start_ms: summary(latency), jobs_per_s: jobsPerS, jobs_per_s_single_adds: await singleAdds(queue, throughputJobs) };
  } finally {
    await worker.close();
    await queue.obliterate({ force: true });
    await Promise.all([queue.close(), events.close()]);
  }
}

/** All jobs added in bulk, 500 at a time, all at once; jobs/s until the last one's own finish time. */
async function addBulkRun(queue, jobs) {
  const started = nowMs();
  const batches = [];
  for (let i = 0; i < jobs; i += 500) {
    const size = Math.min(500, jobs - i);
    batches.push(queue.addBulk(Array.from({ length: size }, () => ({ name: 'noop', data: {} }))));
  }
  await Promise.all(batches);
  return Math.round(jobs / ((await lastFinished(queue, jobs)) - started) * 1000);
}

/** Waits for `jobs` completed jobs; the last one's finish time, and the completed jobs are cleaned away. */
async function lastFinished(queue, jobs) {
  while ((await queue.getJobCounts('completed')).completed < jobs) await sleep(10);
  const finished = Math.max(...(await queue.getCompleted(0, -1)).map((job) => job.finishedOn ?? 0));
  await queue.clean(0, 0, 'completed');
  return finished;
}

/** The same jobs submitted as the service's are: one `queue.add` per job from 16 clients at once. */
async function singleAdds(queue, jobs) {
  const started = nowMs();
  let next = 0;
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (next++ < jobs) await queue.add('noop', {});
  }));
  return Math.round(jobs / ((await lastFinished(queue, jobs)) - started) * 1000);
}

module.exports = { bullmqPeer };
