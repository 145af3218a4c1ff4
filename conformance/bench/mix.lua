-- conformance/bench/mix.lua — wrk script for workload 7 (64 concurrent clients), run by
-- workloads.py mix:   wrk -t2 -c64 -d30s --timeout 60s -s mix.lua http://127.0.0.1:PORT/
--
-- Environment (set by workloads.py):
--   BENCH_MIX_KIND      dav | files
--   BENCH_MIX_AUTH      value of the Authorization header (absent: no auth)
--   BENCH_MIX_PATHS     file with one path per line: the objects GET (and multiget) pick from
--   BENCH_MIX_PROPFIND  path of the collection that gets PROPFIND Depth 1
--   BENCH_MIX_REPORT    (dav) path of the calendar that gets calendar-multiget
--
-- Each connection sends, in turn:
--   dav:   PROPFIND Depth 1 (getetag) on BENCH_MIX_PROPFIND (the 100-event calendar)
--          GET of a random event of BENCH_MIX_PATHS (the 10,000-event calendar)
--          REPORT calendar-multiget (getetag + calendar-data) of 10 random events of it
--   files: PROPFIND Depth 1 (resourcetype, getcontentlength, getlastmodified, getetag) on the
--          folder of 100 files / GET of a random small file
-- done() prints one line "BENCH-JSON {...}" with the totals and latency percentiles.

local kind = os.getenv("BENCH_MIX_KIND") or "dav"
local auth = os.getenv("BENCH_MIX_AUTH")
local propfind_path = os.getenv("BENCH_MIX_PROPFIND")
local report_path = os.getenv("BENCH_MIX_REPORT")

local PROPFIND_DAV = [[<?xml version="1.0" encoding="utf-8"?>
<D:propfind xmlns:D="DAV:"><D:prop><D:getetag/></D:prop></D:propfind>]]
local PROPFIND_FILES = [[<?xml version="1.0" encoding="utf-8"?>
<D:propfind xmlns:D="DAV:"><D:prop><D:resourcetype/><D:getcontentlength/><D:getlastmodified/><D:getetag/></D:prop></D:propfind>]]
local MULTIGET_HEAD = [[<?xml version="1.0" encoding="utf-8"?>
<C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:prop><D:getetag/><C:calendar-data/></D:prop>
]]
local MULTIGET_TAIL = "</C:calendar-multiget>"

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
  table.insert(threads, thread)
end

local paths = {}
local step = 0

function init(args)
  math.randomseed(1000 + (tid or 0))
  for line in io.lines(os.getenv("BENCH_MIX_PATHS")) do
    if #line > 0 then paths[#paths + 1] = line end
  end
end

local function headers(extra)
  local h = {}
  if auth then h["Authorization"] = auth end
  for k, v in pairs(extra or {}) do h[k] = v end
  return h
end

local function pick()
  return paths[math.random(#paths)]
end

request = function()
  step = step + 1
  if kind == "dav" then
    local m = step % 3
    if m == 1 then
      return wrk.format("PROPFIND", propfind_path,
        headers({["Depth"] = "1", ["Content-Type"] = "application/xml; charset=utf-8"}), PROPFIND_DAV)
    elseif m == 2 then
      return wrk.format("GET", pick(), headers())
    else
      local parts = { MULTIGET_HEAD }
      for _ = 1, 10 do parts[#parts + 1] = "  <D:href>" .. pick() .. "</D:href>\n" end
      parts[#parts + 1] = MULTIGET_TAIL
      return wrk.format("REPORT", report_path,
        headers({["Depth"] = "1", ["Content-Type"] = "application/xml; charset=utf-8"}), table.concat(parts))
    end
  else
    if step % 2 == 1 then
      return wrk.format("PROPFIND", propfind_path,
        headers({["Depth"] = "1", ["Content-Type"] = "application/xml; charset=utf-8"}), PROPFIND_FILES)
    else
      return wrk.format("GET", pick(), headers())
    end
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH-JSON {"requests": %d, "duration_us": %d, "bytes": %d, "errors": %d, ' ..
    '"errors_detail": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"p50_ms": %.2f, "p90_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f, "mean_ms": %.2f}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect + e.read + e.write + e.status + e.timeout,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, latency.mean / 1000))
end
