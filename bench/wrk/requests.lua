-- wrk script for every bench scenario: replays requests from a file, counts status codes and
-- writes one JSON summary. Environment:
--   BENCH_REQUESTS  file, one request per line: METHOD <TAB> PATH <TAB> HEADERS <TAB> BODY
--                   (HEADERS "Name: value" pairs joined by "|", or "-"; BODY may be empty)
--   BENCH_THREADS   wrk's -t, so that each thread takes its own share of the lines
--   BENCH_SPLIT     "1": each line is sent once by one thread (bookings); otherwise every
--                   thread cycles through all lines from its own offset
--   BENCH_OUT       where the JSON summary goes

local threads = {}
local counter = 0

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local function split(line, sep)
  local out, start = {}, 1
  while true do
    local i = string.find(line, sep, start, true)
    if not i then
      table.insert(out, string.sub(line, start))
      return out
    end
    table.insert(out, string.sub(line, start, i - 1))
    start = i + #sep
  end
end

local requests = {}
local index = 0
statuses = {}

function init(args)
  local nthreads = tonumber(os.getenv("BENCH_THREADS") or "1")
  local only_mine = os.getenv("BENCH_SPLIT") == "1"
  local n = 0
  for line in io.lines(os.getenv("BENCH_REQUESTS")) do
    if only_mine == false or n % nthreads == tid then
      local f = split(line, "\t")
      local headers = {}
      if f[3] ~= nil and f[3] ~= "-" and f[3] ~= "" then
        for _, pair in ipairs(split(f[3], "|")) do
          local colon = string.find(pair, ": ", 1, true)
          headers[string.sub(pair, 1, colon - 1)] = string.sub(pair, colon + 2)
        end
      end
      local body = f[4]
      if body == "" then body = nil end
      table.insert(requests, wrk.format(f[1], f[2], headers, body))
    end
    n = n + 1
  end
  if not only_mine then
    index = (tid * 7919) % #requests
  end
end

function request()
  index = index + 1
  if index > #requests then index = 1 end
  return requests[index]
end

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
end

function done(summary, latency, requests_)
  local merged = {}
  for _, thread in ipairs(threads) do
    local s = thread:get("statuses")
    if s then
      for k, v in pairs(s) do merged[k] = (merged[k] or 0) + v end
    end
  end
  local parts = {}
  for k, v in pairs(merged) do table.insert(parts, string.format('"%s": %d', k, v)) end
  local e = summary.errors
  local out = io.open(os.getenv("BENCH_OUT"), "w")
  out:write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "errors": {"connect": %d, "read": %d, ' ..
    '"write": %d, "status": %d, "timeout": %d}, "latency_us": {"p50": %d, "p90": %d, ' ..
    '"p95": %d, "p99": %d, "max": %d, "mean": %.1f}, "statuses": {%s}}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), latency.max, latency.mean, table.concat(parts, ", ")))
  out:close()
end
