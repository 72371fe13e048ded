const { Queue, QueueEvents, Worker } = require('bullmq');
const { join } = require('node:path');
const { nowMs, sleep, summary } = require('./stats');

const PROCESSOR = join(__dirname, 'bullmq-noop-processor.js');

/**
 * BullMQ on the same machine and Redis: a sandboxed processor file (each
 * job runs in a reused child process) doing the same no-op, at the same
 * concurrency. Metric 1b (add-to-start) here; metric 2's runs are taken by
 * the throughput duel, in turn with the service's.
 */
class BullmqPeer {
  static async open(concurrency) {
    const connection = { url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', maxRetriesPerRequest: null };
    const prefix = 'ntr-bench';
    const name = `noop-${process.pid}-${Date.now()}`;
    const peer = new BullmqPeer(
      new Queue(name, { connection, prefix }),
      new QueueEvents(name, { connection, prefix }),
      new Worker(name, PROCESSOR, { connection, prefix, concurrency }),
    );
    await Promise.all([peer.queue.waitUntilReady(), peer.events.waitUntilReady(), peer.worker.waitUntilReady()]);
    // Warm: every sandbox child forked and its processor loaded. Each job waited on listens for the queue
    // closing; more than 10 at once is meant here, not a leak, and Node's warning only cluttered the output.
    peer.queue.setMaxListeners(concurrency * 10 + 10);
    await Promise.all(Array.from({ length: concurrency * 10 }, async () => (await peer.queue.add('noop', {})).waitUntilFinished(peer.events)));
    await peer.queue.clean(0, 0, 'completed');
    return peer;
  }

  constructor(queue, events, worker) {
    this.queue = queue;
    this.events = events;
    this.worker = worker;
  }

  /** Metric 1b: queue.add to the processor's first line, one job at a time. */
  async addToStart(samples) {
    const latency = [];
    for (let i = 0; i < samples; i++) {
      const added = nowMs();
      // Kept once completed (close() removes the queue): removed at once, a job could be gone before
      // waitUntilFinished looked at it, which then failed with "Missing key for job".
      const job = await this.queue.add('noop', {});
      const result = await job.waitUntilFinished(this.events);
      latency.push(result.started_at_ms - added);
      await sleep(2);
    }
    return summary(latency);
  }

  /**
   * All jobs added in bulk, 500 at a time, all at once; jobs/s until the last
   * one's own finish time. `atEnd` runs once all are seen finished, before
   * they are read back.
   */
  async addBulkRun(jobs, atEnd = () => {}) {
    const started = nowMs();
    const batches = [];
    for (let i = 0; i < jobs; i += 500) {
      const size = Math.min(500, jobs - i);
      batches.push(this.queue.addBulk(Array.from({ length: size }, () => ({ name: 'noop', data: {} }))));
    }
    await Promise.all(batches);
    return Math.round(jobs / ((await this.lastFinished(jobs, atEnd)) - started) * 1000);
  }

  /** The same jobs submitted as the service's are: one `queue.add` per job from 16 clients at once. */
  async singleAddsRun(jobs, atEnd = () => {}) {
    const started = nowMs();
    let next = 0;
    await Promise.all(Array.from({ length: 16 }, async () => {
      while (next++ < jobs) await this.queue.add('noop', {});
    }));
    return Math.round(jobs / ((await this.lastFinished(jobs, atEnd)) - started) * 1000);
  }

  /** CPU Redis has used, in ms, as it reports it: for a Redis on this machine, what the peer's work cost it. */
  async redisCpuMs() {
    const info = await (await this.queue.client).info('cpu');
    const seconds = (field) => Number(new RegExp(`^${field}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
    return (seconds('used_cpu_user') + seconds('used_cpu_sys')) * 1000;
  }

  /** Waits for `jobs` completed jobs; the last one's finish time, and the completed jobs are cleaned away. */
  async lastFinished(jobs, atEnd) {
    while ((await this.queue.getJobCounts('completed')).completed < jobs) await sleep(10);
    await atEnd();
    const finished = Math.max(...(await this.queue.getCompleted(0, -1)).map((job) => job.finishedOn ?? 0));
    await this.queue.clean(0, 0, 'completed');
    return finished;
  }

  async close() {
    await this.worker.close();
    await this.queue.obliterate({ force: true });
    await Promise.all([this.queue.close(), this.events.close()]);
  }
}

/** Metric 1b on a peer of its own. */
async function bullmqAddToStart({ concurrency, latencySamples }) {
  const peer = await BullmqPeer.open(concurrency);
  try {
    return { add_to_start_ms: await peer.addToStart(latencySamples) };
  } finally {
    await peer.close();
  }
}

module.exports = { BullmqPeer, bullmqAddToStart };
