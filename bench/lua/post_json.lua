-- POST a JSON body to BENCH_PATH; the body template (BENCH_BODY_FILE) may hold __N__, replaced by
-- a number unique to each request so that names never collide.
local token = os.getenv("BENCH_TOKEN") or ""
local path = os.getenv("BENCH_PATH")
local template = ""
local counter = 0
thread_tag = "0"

function setup(thread)
  thread:set("thread_tag", tostring(math.random(1, 1000000000)))
end

function init(args)
  local f = assert(io.open(os.getenv("BENCH_BODY_FILE"), "r"))
  template = f:read("*a")
  f:close()
end

function request()
  counter = counter + 1
  local body = string.gsub(template, "__N__", thread_tag .. "-" .. counter)
  return wrk.format("POST", path, {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
  }, body)
end

