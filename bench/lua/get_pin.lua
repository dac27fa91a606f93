-- GET /v5/pins/{id} with ids drawn at random from the seeded Pins.
local ids = {}
local token = os.getenv("BENCH_TOKEN") or ""
local prefix = os.getenv("BENCH_PREFIX") or "/v5"

function init(args)
  for line in io.lines(os.getenv("BENCH_IDS")) do ids[#ids + 1] = line end
  math.randomseed(os.time() + (args[1] and tonumber(args[1]) or 0) + math.floor(os.clock() * 1000000))
end

function request()
  local id = ids[math.random(#ids)]
  return wrk.format("GET", prefix .. "/pins/" .. id, { ["Authorization"] = "Bearer " .. token })
end
