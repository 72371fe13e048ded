const { nowMs, sleep } = require('./stats');

/**
 * Sends `count` requests at `rate` per second in an open loop: each leaves on
 * schedule whether or not earlier ones have answered. The client sleeps until
 * each is due rather than spinning for precision: a spinning client takes a
 * core from the service it measures. Resolves, once all have answered, with
 * each one's latency in ms, in the order they answered.
 */
async function openLoop(count, rate, send) {
  const latency = [];
  const inFlight = [];
  const start = nowMs();
  for (let i = 0; i < count; i++) {
    const wait = start + (i * 1000) / rate - nowMs();
    if (wait > 0) await sleep(wait);
    const sent = nowMs();
    inFlight.push(send(i).then(() => latency.push(nowMs() - sent)));
  }
  await Promise.all(inFlight);
  return latency;
}

module.exports = { openLoop };
