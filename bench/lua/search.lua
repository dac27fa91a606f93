-- GET /v5/search/pins, cycling through the queries in BENCH_QUERIES (separated by "|"):
-- one word on every Pin, words on a few percent of them, pairs, accents and no match at all.
local token = os.getenv("BENCH_TOKEN") or ""
local queries = {}
local n = 0

for q in string.gmatch(os.getenv("BENCH_QUERIES") or "seed", "[^|]+") do
  queries[#queries + 1] = q
end

local function escape(s)
  return (s:gsub("[^%w]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function request()
  n = n + 1
  local q = queries[(n % #queries) + 1]
  return wrk.format("GET", "/v5/search/pins?query=" .. escape(q), { ["Authorization"] = "Bearer " .. token })
end
