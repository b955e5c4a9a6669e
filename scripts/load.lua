-- wrk script for scripts/load: a mix of authenticated requests.
--
-- scripts/load prepends a generated prelude that defines
--   TOKENS   = { read = {...}, write = {...} }   -- Bearer tokens
--   MODELS   = { id, ... }                        -- existing model ids
--   UNITS    = { id, ... }                        -- org units that hold models
--   PAIRS    = { {type_id, org_unit_id, founded_on}, ... } -- valid placements
--   RUN_TAG  = "…"                                -- makes new names unique
--   THINK_MS = n                                  -- pause per client (0 = none)
--   MIX      = {70, 20, 10}                       -- % reads, searches, writes
--
-- Mix: 70 % reads of lists and pages, 20 % searches, 10 % writes.
-- Each response is counted by kind and status; done() prints one line
-- `RESULT k=v …` that scripts/load parses, and up to a few error samples.

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
  table.insert(threads, thread)
end

local SEARCH_UNITS = {
  "nam%20dinh", "ninh%20binh", "ha%20nam", "ba%20dinh", "hoan%20kiem", "vi%20xuyen",
  "NAM%20%C4%90%E1%BB%8ANH", "phu", "xa%20an", "thanh%20pho", "dong", "tan", "son", "yen",
}
local SEARCH_MODELS = {
  "giao%20thong", "tu%20quan", "an%20ninh", "camera", "phong%20chay", "to%20dan%20pho",
  "nhan%20rong", "thanh%20nien", "phu%20nu", "tuan%20tra", "xa", "binh",
}

local function pick(t) return t[math.random(#t)] end

local function auth(kind)
  local tok = (kind == "write") and pick(TOKENS.write) or pick(TOKENS.read)
  return { ["Authorization"] = "Bearer " .. tok }
end

-- The kind of the request sent last on this thread: responses come back in
-- order per connection, but not across connections, so kinds are counted
-- when sent and statuses when received.
-- (globals: done() reads them with thread:get)
sent = {}
status = {}
samples = {}
local wseq = 0

local function get(kind, path)
  sent[kind] = (sent[kind] or 0) + 1
  return wrk.format("GET", path, auth("read"))
end

local reads = {
  -- API lists
  function() return get("read", "/api/v1/models?org_unit=" .. pick(UNITS) .. "&status=active") end,
  function() return get("read", "/api/v1/models?page=" .. math.random(1, 10) .. "&per_page=20") end,
  function() return get("read", "/api/v1/org-units?parent=" .. pick(UNITS)) end,
  function() return get("read", "/api/v1/models/" .. pick(MODELS) .. "/activities") end,
  function() return get("read", "/api/v1/models/" .. pick(MODELS)) end,
  -- HTML pages
  function() return get("read", "/models") end,
  function() return get("read", "/models?org_unit=" .. pick(UNITS) .. "&page=" .. math.random(1, 3)) end,
  function() return get("read", "/models/" .. pick(MODELS)) end,
  function() return get("read", "/org-units/" .. pick(UNITS)) end,
  function() return get("read", "/org-units") end,
}

local searches = {
  function() return get("search", "/api/v1/org-units?q=" .. pick(SEARCH_UNITS)) end,
  function() return get("search", "/api/v1/models?q=" .. pick(SEARCH_MODELS)) end,
  function() return get("search", "/org-units?q=" .. pick(SEARCH_UNITS)) end,
  function() return get("search", "/models?q=" .. pick(SEARCH_MODELS)) end,
}

local function write()
  sent.write = (sent.write or 0) + 1
  wseq = wseq + 1
  local h = auth("write")
  h["Content-Type"] = "application/json"
  if wseq % 4 == 0 then
    -- a new model with a name no other request uses
    local p = pick(PAIRS)
    local body = string.format(
      '{"type_id":%d,"org_unit_id":%d,"name":"Mô hình tải %s-%d-%d","founded_on":"%s"}',
      p[1], p[2], RUN_TAG, tid, wseq, p[3])
    return wrk.format("POST", "/api/v1/models", h, body)
  end
  local body = string.format(
    '{"kind":"patrol","description":"Tuần tra tải thử %s-%d-%d","participants":%d}',
    RUN_TAG, tid, wseq, math.random(2, 12))
  return wrk.format("POST", "/api/v1/models/" .. pick(MODELS) .. "/activities", h, body)
end

function init(args)
  math.randomseed(os.time() * 100 + tid)
end

function request()
  local r = math.random(100)
  if r <= MIX[1] then
    return pick(reads)()
  elseif r <= MIX[1] + MIX[2] then
    return pick(searches)()
  else
    return write()
  end
end

function response(code, headers, body)
  status[code] = (status[code] or 0) + 1
  if code >= 400 and not samples[code] then
    -- the first body of each error status, for the report
    samples[code] = tostring(code) .. " " .. string.sub(body or "", 1, 300)
  end
end

if THINK_MS and THINK_MS > 0 then
  function delay()
    -- people pause between clicks: uniform in [THINK_MS/2, 3*THINK_MS/2]
    return math.random(math.floor(THINK_MS / 2), math.floor(THINK_MS * 3 / 2))
  end
end

function done(summary, latency, requests)
  local kinds = { read = 0, search = 0, write = 0 }
  local codes = {}
  local errs = {}
  for _, t in ipairs(threads) do
    local s = t:get("sent")
    for k, v in pairs(s) do kinds[k] = (kinds[k] or 0) + v end
    local st = t:get("status")
    for k, v in pairs(st) do codes[k] = (codes[k] or 0) + v end
    local sm = t:get("samples")
    for _, v in pairs(sm) do table.insert(errs, v) end
  end
  local e = summary.errors
  local socket = e.connect + e.read + e.write + e.timeout
  local codestr = {}
  for k, v in pairs(codes) do table.insert(codestr, k .. ":" .. v) end
  table.sort(codestr)
  io.write(string.format(
    "RESULT requests=%d seconds=%.1f rps=%.1f p50=%.2f p95=%.2f p99=%.2f max=%.2f " ..
    "status_errors=%d socket_errors=%d connect=%d read=%d write=%d timeout=%d " ..
    "sent_read=%d sent_search=%d sent_write=%d codes=%s\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, e.status, socket, e.connect, e.read, e.write, e.timeout,
    kinds.read, kinds.search, kinds.write, table.concat(codestr, ",")))
  for i, v in ipairs(errs) do
    if i > 5 then break end
    io.write("SAMPLE " .. string.gsub(v, "\n", " ") .. "\n")
  end
end
