-- POST /v5/pins, each request with a different small PNG (from BENCH_IMAGES, one base64 image per
-- line) so that every request brings a new image instead of hitting the identical-image store.
-- With BENCH_FETCH_RENDITIONS=1, each created Pin's four renditions are then fetched (GET, by the
-- paths its answer names): the whole cost of a Pin whose images are looked at, since pinbox makes
-- renditions on first fetch. Five requests a Pin then; Pins per second is requests per second / 5.
local token = os.getenv("BENCH_TOKEN") or ""
local prefix = os.getenv("BENCH_PREFIX") or "/v5"
local board = os.getenv("BENCH_BOARD")
local fetch_renditions = os.getenv("BENCH_FETCH_RENDITIONS") == "1"
local images = {}
local next_image = 1
local pending = {}

function setup(thread)
  thread:set("offset", math.random(0, 1000000))
end

function init(args)
  for line in io.lines(os.getenv("BENCH_IMAGES")) do images[#images + 1] = line end
  next_image = (offset or 0) % #images + 1
end

function request()
  if #pending > 0 then
    return wrk.format("GET", table.remove(pending))
  end
  local data = images[next_image]
  next_image = next_image % #images + 1
  local body = '{"board_id":"' .. board .. '","title":"bench","link":"https://example.com/",' ..
    '"media_source":{"source_type":"image_base64","content_type":"image/png","data":"' .. data .. '"}}'
  return wrk.format("POST", prefix .. "/pins", {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
  }, body)
end

if fetch_renditions then
  function response(status, headers, body)
    if status == 201 then
      for path in body:gmatch('"url":"https?://[^/"]+(/media/[^"]+)"') do
        pending[#pending + 1] = path
      end
    end
  end
end
