#!/usr/bin/env node
// bench/aggregates/open-loop.mjs - a fixed-arrival-rate (open-loop) HTTP GET load, like wrk2: request i is
// due at t0 + i / rate whether or not earlier ones have been answered, and its latency is measured from
// that due time (so a stalled server or client cannot hide queueing: no coordinated omission). Every
// latency is kept, so the percentiles are exact (nearest rank). Loopback only; bounded in count and time.
//
// usage: node open-loop.mjs --url URL [--rate 200] [--seconds 40] [--timeout-ms 10000] [--max-sockets 64]
// prints one JSON object: requests, seconds, rate, p50/p90/p99/p999/max/mean (ms), non2xx, errors, ...
// A request that fails (no answer within the timeout, connection reset) counts in the percentiles with the
// time it took to fail and in errors; rate is the rate of successful answers. Exit code 0 unless nothing
// was answered, so that an overloaded server is reported rather than aborting the run.
import http from 'node:http';
import { performance } from 'node:perf_hooks';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []));
const url = new URL(args.url ?? '');
if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
  console.error(`refusing ${url.hostname}: loopback only`);
  process.exit(2);
}
const rate = Number(args.rate ?? 200);
const seconds = Number(args.seconds ?? 40);
const timeoutMs = Number(args['timeout-ms'] ?? 10000);
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(args['max-sockets'] ?? 64) });
const total = Math.round(rate * seconds);
const interval = 1000 / rate;

const latencies = [];
let sent = 0, finished = 0, non2xx = 0, errors = 0, bytes = 0, inFlight = 0, maxInFlight = 0, firstError = null;
const t0 = performance.now() + 20;

function fire(due) {
  inFlight++;
  maxInFlight = Math.max(maxInFlight, inFlight);
  // A failed request (timeout, reset) counts with the time it took to fail, so it is not left out of the tail.
  let settled = false;
  const done = () => {
    if (settled) return;
    settled = true;
    inFlight--;
    finished++;
    latencies.push(performance.now() - due);
    if (finished === total) report();
  };
  const req = http.get(url, { agent, headers: { accept: 'application/json' }, timeout: timeoutMs }, res => {
    let n = 0;
    res.on('data', chunk => { n += chunk.length; });
    res.on('end', () => {
      bytes += n;
      if (res.statusCode < 200 || res.statusCode > 299) non2xx++;
      done();
    });
    res.on('error', e => { if (!settled) { errors++; firstError ??= String(e); } done(); });
  });
  req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
  req.on('error', e => { if (!settled) { errors++; firstError ??= String(e); } done(); });
}

// A 1 ms tick sends every request that is due; a late tick sends the overdue ones at once, and their
// latency still counts from when they were due.
const timer = setInterval(() => {
  const now = performance.now();
  while (sent < total && t0 + sent * interval <= now) {
    fire(t0 + sent * interval);
    sent++;
  }
  if (sent >= total) clearInterval(timer);
}, 1);

// Hard stop: whatever happens, exit after the run plus one timeout.
setTimeout(() => { console.error('open-loop: hard time limit reached'); report(); }, seconds * 1000 + timeoutMs + 5000).unref();

let reported = false;
function report() {
  if (reported) return;
  reported = true;
  clearInterval(timer);
  const elapsed = (performance.now() - t0) / 1000;
  const sorted = Float64Array.from(latencies).sort();
  const pct = p => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] : NaN);
  const r = x => Math.round(x * 100) / 100;
  console.log(JSON.stringify({
    requests: total, sent, answered: latencies.length - errors, seconds: r(elapsed), rate: r((latencies.length - errors) / elapsed),
    p50: r(pct(0.5)), p90: r(pct(0.9)), p99: r(pct(0.99)), p999: r(pct(0.999)), max: r(sorted[sorted.length - 1] ?? NaN),
    mean: r(latencies.reduce((a, b) => a + b, 0) / (latencies.length || 1)),
    non2xx, errors, unfinished: sent - finished, firstError, bytesPerAnswer: Math.round(bytes / (latencies.length || 1)), maxInFlight,
  }));
  agent.destroy();
  process.exit(latencies.length - errors > 0 ? 0 : 1);
}
