-- The wrk script of `make bench`: one kind of request, its answers counted and timed.
--
--   wrk ... -s bench/wrk/bench.lua URL -- SPEC_FILE THREADS
--
-- SPEC_FILE has one tab-separated setting a line: "method\tPOST", "path\t/api/...",
-- "header\tName\tValue", "body\t...", "limit\tN" (requests at most, all threads
-- together), and for a pool run "pool\tFILE". In a pool run each request takes the next
-- token of FILE (one a line; the threads share them out) in place of @TOKEN@ in the body
-- and headers, so no token is ever sent twice. A thread that reaches its share of the
-- limit, or runs out of tokens, stops; throughput is counted over the time the threads
-- were actually busy.

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_usec; } bench_timeval;
int gettimeofday(bench_timeval *tv, void *tz);
]]
local clock = ffi.new("bench_timeval")

local function now_us()
  ffi.C.gettimeofday(clock, nil)
  return tonumber(clock.tv_sec) * 1000000 + tonumber(clock.tv_usec)
end

-- Setup phase (the main Lua state): number the threads and keep them for done().
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_number", #threads)
end

-- Running phase (one Lua state per thread). Globals are read back by done().
ok, failed, stopped, first_us, last_us, first_error = 0, 0, 0, nil, nil, nil
local prepared, next_index, pooled, sent, limit = {}, 1, false, 0, nil
local spare_request = nil

local function read_spec(path)
  local spec = { method = "GET", path = "/", headers = {}, body = nil, pool = nil }
  for line in io.lines(path) do
    local key, rest = line:match("^([a-z]+)\t(.*)$")
    if key == "header" then
      local name, value = rest:match("^([^\t]+)\t(.*)$")
      spec.headers[name] = value
    elseif key then
      spec[key] = rest
    end
  end
  return spec
end

local function build(spec, token)
  local headers = {}
  for name, value in pairs(spec.headers) do
    headers[name] = token and value:gsub("@TOKEN@", token) or value
  end
  local body = spec.body
  if body and token then
    body = body:gsub("@TOKEN@", token)
  end
  return wrk.format(spec.method, spec.path, headers, body)
end

function init(args)
  local spec = read_spec(args[1])
  local thread_count = tonumber(args[2])
  if spec.limit then
    limit = math.ceil(tonumber(spec.limit) / thread_count)
  end
  spare_request = wrk.format("GET", "/api/me-noauth/")
  if spec.pool then
    pooled = true
    local line_number = 0
    for token in io.lines(spec.pool) do
      if line_number % thread_count == thread_number - 1 and token ~= "" then
        table.insert(prepared, build(spec, token))
      end
      line_number = line_number + 1
    end
  else
    prepared[1] = build(spec, nil)
  end
end

function request()
  if first_us == nil then
    first_us = now_us()
  end
  local next_request = prepared[pooled and next_index or 1]
  if next_request == nil or (limit and sent >= limit) then
    -- Out of tokens or over the limit: stop this thread. The request returned is never
    -- counted (the thread stops before its answer is read); it is only there to return one.
    stopped = 1
    wrk.thread:stop()
    return spare_request
  end
  sent = sent + 1
  if pooled then
    next_index = next_index + 1
  end
  return next_request
end

function response(status, headers, body)
  if stopped == 1 then
    return
  end
  last_us = now_us()
  if status >= 200 and status < 300 then
    ok = ok + 1
  else
    failed = failed + 1
    if first_error == nil then
      first_error = status .. " " .. string.sub(body or "", 1, 300)
    end
  end
end

-- Done phase (the main Lua state): one line for run.py to parse.
function done(summary, latency, requests)
  local total_ok, total_failed, any_stopped, started, finished, error_text = 0, 0, 0, nil, nil, nil
  for _, thread in ipairs(threads) do
    total_ok = total_ok + (thread:get("ok") or 0)
    total_failed = total_failed + (thread:get("failed") or 0)
    any_stopped = math.max(any_stopped, thread:get("stopped") or 0)
    local first, last = thread:get("first_us"), thread:get("last_us")
    if first and (started == nil or first < started) then
      started = first
    end
    if last and (finished == nil or last > finished) then
      finished = last
    end
    error_text = error_text or thread:get("first_error")
  end
  local errors = summary.errors
  io.write(string.format(
    "BENCH_RESULT ok=%d failed=%d busy_us=%d requests=%d duration_us=%d p50_us=%d p99_us=%d "
      .. "connect=%d read=%d write=%d timeout=%d stopped=%d\n",
    total_ok, total_failed, (started and finished) and (finished - started) or 0, summary.requests,
    summary.duration, latency:percentile(50), latency:percentile(99),
    errors.connect, errors.read, errors.write, errors.timeout, any_stopped
  ))
  if error_text then
    io.write("BENCH_ERROR " .. (error_text:gsub("[\r\n]", " ")) .. "\n")
  end
end
