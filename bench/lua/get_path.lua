-- GET one fixed path (BENCH_PATH) with the bearer token.
local token = os.getenv("BENCH_TOKEN") or ""
local path = os.getenv("BENCH_PATH")

function request()
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
end
