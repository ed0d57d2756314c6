-- 80% reads of the last page of 100 messages, 20% appends, on the session "bench" of workspace "ws-1".
-- Prints p50 and p99 latency at the end. Used by run.sh against both servers.
local counter = 0
local page = "/v1/workspaces/ws-1/sessions/bench/messages?limit=100&last=true"
local append = "/v1/workspaces/ws-1/sessions/bench/messages"
local body = '{"role": "user", "content": "appended under load: a short message of about sixty bytes"}'

request = function()
    counter = counter + 1
    if counter % 5 == 0 then
        return wrk.format("POST", append, { ["Content-Type"] = "application/json" }, body)
    end
    return wrk.format("GET", page)
end

done = function(summary, latency, requests)
    io.write(string.format("requests/s %.0f, p50 %.2f ms, p99 %.2f ms, errors %d (non-2xx %d)\n",
        summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
        summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
        summary.errors.status))
end
