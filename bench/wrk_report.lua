-- wrk prints latency percentiles only as text; this prints one line of JSON at the end
-- of a run, for bench/run_benchmark.py to read: throughput, p50/p95/p99 and errors.
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "seconds": %.3f, "bytes": %d, ' ..
    '"p50_ms": %.3f, "p95_ms": %.3f, "p99_ms": %.3f, ' ..
    '"timeouts": %d, "socket_errors": %d, "http_errors": %d}\n',
    summary.requests, summary.duration / 1e6, summary.bytes,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000,
    errors.timeout, errors.connect + errors.read + errors.write, errors.status))
end
