-- POST /v5/pins, each request with a different small PNG (from BENCH_IMAGES, one base64 image per
-- line) so that every request makes real renditions instead of hitting the identical-image store.
local token = os.getenv("BENCH_TOKEN") or ""
local prefix = os.getenv("BENCH_PREFIX") or "/v5"
local board = os.getenv("BENCH_BOARD")
local images = {}
local next_image = 1

function setup(thread)
  thread:set("offset", math.random(0, 1000000))
end

function init(args)
  for line in io.lines(os.getenv("BENCH_IMAGES")) do images[#images + 1] = line end
  next_image = (offset or 0) % #images + 1
end

function request()
  local data = images[next_image]
  next_image = next_image % #images + 1
  local body = '{"board_id":"' .. board .. '","title":"bench","link":"https://example.com/",' ..
    '"media_source":{"source_type":"image_base64","content_type":"image/png","data":"' .. data .. '"}}'
  return wrk.format("POST", prefix .. "/pins", {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
  }, body)
end
