-- wrk script: POST the descriptions of the file in $BENCH_BODIES (one JSON body a line) in turn,
-- so the service's caches see varied text, as in real traffic, rather than one text repeated
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local bodies = {}
for line in io.lines(os.getenv("BENCH_BODIES")) do
  bodies[#bodies + 1] = line
end
local i = math.random(#bodies)
request = function()
  i = i % #bodies + 1
  return wrk.format(nil, nil, nil, bodies[i])
end
