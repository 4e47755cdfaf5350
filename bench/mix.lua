-- A realistic mix of Korpus requests for wrk (bench/soak.sh): searches (page and JSON, with a word, a
-- voivodeship and a distance), offer pages, an authenticated API read, hour logging and applications.
-- Environment: MIX_OFFERS (a file of offer ids, one per line), MIX_MEMBER_TOKEN, MIX_VOLUNTEER_TOKEN,
-- MIX_ENGAGEMENT and MIX_DAYS (where the member logs hours, days separated by commas), MIX_DELAY_MS (pause before each request of a
-- connection, to hold a rate; 0 measures the capacity). Counts answers that are errors: 5xx, and 4xx other
-- than the expected refusals (an application already sent or not allowed, hours over the daily limit); the
-- applications refused by the per-volunteer limit (429) are counted apart.
local threads = {}
local words = {"seniorzy", "dzieci", "zwierzeta", "lodz", "Łódź", "sport", "kultura", "pomoc", "schronisko", "korepetycje"}
local places = {{"14", "Warszawa"}, {"12", "Kraków"}, {"22", "Gdańsk"}, {"10", "Łódź"}, {"02", "Wrocław"}, {"30", "Poznań"}}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  offers = {}
  for line in io.lines(os.getenv("MIX_OFFERS")) do table.insert(offers, line) end
  member = os.getenv("MIX_MEMBER_TOKEN")
  volunteer = os.getenv("MIX_VOLUNTEER_TOKEN")
  engagement = os.getenv("MIX_ENGAGEMENT")
  days = {}
  for d in string.gmatch(os.getenv("MIX_DAYS"), "[^,]+") do table.insert(days, d) end
  pause = tonumber(os.getenv("MIX_DELAY_MS") or "0")
  bad = 0
  throttled = 0
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end

local function encode(text)
  return (text:gsub("[^%w%-_.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function delay()
  return pause
end

function request()
  local roll = math.random(1000)
  local place = places[math.random(#places)]
  local word = encode(words[math.random(#words)])
  if roll <= 350 then
    return wrk.format("GET", "/oferty?q=" .. word .. "&wojewodztwo=" .. place[1])
  elseif roll <= 550 then
    return wrk.format("GET", "/api/v1/offers?q=" .. word .. "&voivodeship=" .. place[1] .. "&locality=" .. encode(place[2]) .. "&distance=25")
  elseif roll <= 800 then
    return wrk.format("GET", "/oferty/" .. offers[math.random(#offers)])
  elseif roll <= 900 then
    return wrk.format("GET", "/api/v1/me", {["Authorization"] = "Bearer " .. member})
  elseif roll <= 970 then
    local body = '{"engagementID": "' .. engagement .. '", "workedOn": "' .. days[math.random(#days)] .. '", "hours": 0.25, "description": "Dyżur (test obciążenia)"}'
    return wrk.format("POST", "/api/v1/hours", {["Authorization"] = "Bearer " .. member, ["Content-Type"] = "application/json"}, body)
  else
    return wrk.format("POST", "/api/v1/offers/" .. offers[math.random(#offers)] .. "/applications",
      {["Authorization"] = "Bearer " .. volunteer, ["Content-Type"] = "application/json"}, '{"message": "Test obciążenia"}')
  end
end

function response(status, headers, body)
  -- The expected refusals: hours over the daily limit (422), an application already sent or not allowed (409, 403).
  local expected = status < 400 or status == 422 or status == 409 or status == 403
  if status == 429 then
    -- the limit on applications per volunteer (anti-spam), a deliberate refusal: counted apart
    throttled = throttled + 1
  elseif not expected then
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local errors, limited = 0, 0
  for _, thread in ipairs(threads) do
    errors = errors + thread:get("bad")
    limited = limited + thread:get("throttled")
  end
  local socket = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("MIX requests=%d rps=%.0f p50=%.2f p95=%.2f p99=%.2f max=%.2f bad_answers=%d socket_errors=%d throttled_applications=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, errors, socket, limited))
end
