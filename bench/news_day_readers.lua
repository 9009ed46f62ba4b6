-- The news day's readers, for wrk: each request is a path drawn at random from the
-- file named by NEWS_DAY_PATHS (one path a line, written by bench/news_day.py in
-- the shares it states, so that drawing a line uniformly draws a page in those
-- shares). At the end one line of JSON: throughput, latency percentiles, status
-- codes and what the edge said (its X-Cache header: HIT, HIT-STALE, MISS, PASS).
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  paths = {}
  for line in io.lines(os.getenv("NEWS_DAY_PATHS")) do
    paths[#paths + 1] = line
  end
  math.randomseed(os.time() + (tonumber(tostring({}):sub(8)) or 0))
  counts = {}
end

-- Accept-Encoding as every browser sends it: Varnish keeps pages gzipped
-- (deploy/varnish.vcl) and would otherwise unzip each one it delivers.
local headers = { ["Accept-Encoding"] = "gzip" }

function request()
  return wrk.format("GET", paths[math.random(#paths)], headers)
end

function response(status, headers, body)
  local key = "status_" .. status
  counts[key] = (counts[key] or 0) + 1
  local edge = headers["X-Cache"] or headers["x-cache"] or "none"
  key = "edge_" .. edge
  counts[key] = (counts[key] or 0) + 1
end

done = function(summary, latency, requests)
  local totals = {}
  for _, thread in ipairs(threads) do
    local counted = thread:get("counts")
    for key, value in pairs(counted) do
      totals[key] = (totals[key] or 0) + value
    end
  end
  local parts = {}
  for key, value in pairs(totals) do
    parts[#parts + 1] = string.format('"%s": %d', key, value)
  end
  io.write(string.format(
    'BENCH {"requests": %d, "seconds": %.3f, "bytes": %d, ' ..
    '"p50_ms": %.3f, "p90_ms": %.3f, "p99_ms": %.3f, "max_ms": %.3f, ' ..
    '"timeouts": %d, "socket_errors": %d, "counts": {%s}}\n',
    summary.requests, summary.duration / 1e6, summary.bytes,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.timeout,
    summary.errors.connect + summary.errors.read + summary.errors.write,
    table.concat(parts, ", ")))
end
