// BullMQ's side of the no-op work: a sandboxed processor (its own child process), returning when it started.
module.exports = async function noop() {
  return { started_at_ms: performance.timeOrigin + performance.now() };
};
