-- wrk script of bench/api-throughput.sh: one endpoint, a bearer token, and for writes a JSON body in which each
-- "%n" becomes a name unique to this request (thread number and counter), so every write creates a new row.
-- Reads from the environment: BENCH_TOKEN, BENCH_METHOD (GET), BENCH_BODY (empty for none).
-- Prints one line: RESULT requests=<n> seconds=<s> rps=<r> p50_ms=.. p90_ms=.. p99_ms=.. errors=<socket errors>
-- non2xx=<responses outside 2xx/3xx>.

local threads = {}
local counter = 0

function setup(thread)
   thread:set("id", #threads + 1)
   table.insert(threads, thread)
end

function init(args)
   wrk.method = os.getenv("BENCH_METHOD") or "GET"
   wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
   wrk.headers["Accept"] = "application/json"
   local body = os.getenv("BENCH_BODY") or ""
   if body ~= "" then
      wrk.headers["Content-Type"] = "application/json"
   end
   template = body
end

function request()
   if template == "" then
      return wrk.format(nil, nil, nil, nil)
   end
   counter = counter + 1
   local name = string.format("bench-%d-%d-%d", os.time(), id or 0, counter)
   return wrk.format(nil, nil, nil, (template:gsub("%%n", name)))
end

function done(summary, latency, requests)
   local seconds = summary.duration / 1e6
   local e = summary.errors
   io.write(string.format(
      "RESULT requests=%d seconds=%.2f rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f errors=%d non2xx=%d\n",
      summary.requests, seconds, summary.requests / seconds, latency:percentile(50) / 1000,
      latency:percentile(90) / 1000, latency:percentile(99) / 1000, e.connect + e.read + e.write + e.timeout,
      e.status))
end
