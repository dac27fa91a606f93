-- POST a form (BENCH_FORM, already urlencoded) to /v5/oauth/token with HTTP Basic client
-- authentication (BENCH_BASIC: base64 of client_id:client_secret), as an app exchanges tokens.
local basic = os.getenv("BENCH_BASIC")
local form = os.getenv("BENCH_FORM")

function request()
  return wrk.format("POST", "/v5/oauth/token", {
    ["Authorization"] = "Basic " .. basic,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, form)
end
