-- wrk script: heartbeats from a pool of known units plus a stream of new ones (one in ten).
local counter = 0
local thread_id = 0
local pool = 500

function setup(thread)
  thread:set("tid", thread_id)
  thread_id = thread_id + 1
end

local function mac_of(n)
  return string.format("02:%02x:%02x:%02x:%02x:%02x", tid or 0, math.floor(n / 16777216) % 256,
    math.floor(n / 65536) % 256, math.floor(n / 256) % 256, n % 256)
end

request = function()
  counter = counter + 1
  local mac
  if counter % 10 == 0 then
    mac = mac_of(1000000 + counter) -- never seen before
  else
    mac = mac_of(math.random(1, pool))
  end
  local body = string.format('{"mac_wan":"%s","status":"building","stage":"Phase 3: OPNsense","timestamp":"%s"}',
    mac, os.date("!%Y-%m-%dT%H:%M:%SZ"))
  return wrk.format("POST", "/api/heartbeat", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer dev-factory-token",
  }, body)
end

done = function(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT rps=%.1f p99_ms=%.2f errors=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(99) / 1000, errors))
end
