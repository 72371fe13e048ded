// A plain Node child for the machine's reference rows (bare-reference.js). It loads nothing before it
// says it is online, so a fork to that message is Node's own start-up; asked, it runs the cpu_intensive
// handler with a context that does nothing, at the workers' priority, timed on the machine's clock.
process.send('online');
process.once('message', ({ handler, data, nice }) => {
  require('node:os').setPriority(nice);
  const context = { progress() {}, checkpoint() {}, log() {}, signal: new AbortController().signal, sleep: async () => {} };
  const startedAt = performance.timeOrigin + performance.now();
  require(handler).run(data, context);
  process.send({ startedAt, finishedAt: performance.timeOrigin + performance.now() }, () => process.exit(0));
});
