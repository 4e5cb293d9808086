-- wrk script for Benchmarks/server_bench.sh: one fixed request, percentiles printed by done().
--   WRK_BODY       the request body (JSON); or WRK_BODY_FILE, a file holding it
--   WRK_METHOD     default POST with a body, GET without
--   WRK_BEARER     optional API key or JWT (Authorization: Bearer …)
-- done() prints one machine-readable line:
--   RESULT requests=N rps=R p50_ms=… p90_ms=… p99_ms=… max_ms=… non2xx=N socket_errors=N

local body = os.getenv("WRK_BODY")
local file = os.getenv("WRK_BODY_FILE")
if (body == nil or body == "") and file ~= nil and file ~= "" then
  local f = assert(io.open(file, "rb"))
  body = f:read("*a")
  f:close()
end
if body == "" then body = nil end

wrk.method = os.getenv("WRK_METHOD") or (body and "POST" or "GET")
if body then
  wrk.body = body
  wrk.headers["Content-Type"] = "application/json"
end
local bearer = os.getenv("WRK_BEARER")
if bearer ~= nil and bearer ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. bearer
end

done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d rps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f non2xx=%d socket_errors=%d\n",
    summary.requests, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.status, e.connect + e.read + e.write + e.timeout))
end
