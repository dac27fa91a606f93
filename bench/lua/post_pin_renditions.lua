-- POST /v5/pins with a new small PNG, then GET each of the four renditions its answer names: the
-- whole cost of a Pin whose images are looked at, since pinbox makes a rendition when its URL is
-- first fetched. Five requests per Pin; Pins per second is requests per second over five.
local token = os.getenv("BENCH_TOKEN") or ""
local board = os.getenv("BENCH_BOARD")
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
  return wrk.format("POST", "/v5/pins", {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
  }, body)
end

function response(status, headers, body)
  if status == 201 then
    for path in body:gmatch('"url":"https?://[^/"]+(/media/[^"]+)"') do
      pending[#pending + 1] = path
    end
  end
end
