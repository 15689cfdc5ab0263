-- wrk script: each thread grades sites of its own exam, one request at a time, with the
-- revision the last answer gave (a stale revision would be a 409). Arguments after
-- `--`: TOKEN EXAM_ID [EXAM_ID ...]; run with as many connections as threads.
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
end

local sites = {"femur.distal_metaphysis:L", "femur.distal_metaphysis:R", "tibia.proximal_metaphysis:L",
               "tibia.proximal_metaphysis:R", "humerus.proximal_metaphysis:L", "radius.distal_metaphysis:R",
               "ilium:L", "pubis:R"}
local exam, revision, n

function init(args)
  wrk.headers["Authorization"] = "Bearer " .. args[1]
  wrk.headers["Content-Type"] = "application/json"
  local exams = {}
  for i = 2, #args do exams[#exams + 1] = args[i] end
  exam = exams[((tid - 1) % #exams) + 1]
  n = 0
end

function request()
  if revision == nil then
    return wrk.format("GET", "/api/exams/" .. exam)
  end
  n = n + 1
  local site = sites[(n % #sites) + 1]
  local body = string.format('{"revision": %d, "signal": %d, "extent": %d}', revision, 1 + n % 2, 1 + n % 3)
  return wrk.format("PUT", "/api/exams/" .. exam .. "/sites/" .. site, nil, body)
end

function response(status, headers, body)
  local r = body:match('"revision":%s*(%d+)')
  if status == 200 and r then revision = tonumber(r) else revision = nil end
end
