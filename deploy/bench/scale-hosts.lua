-- deploy/bench/scale-hosts.lua — wrk script for deploy/bench/scale.sh.
--
-- Spreads requests over every tenant: each request is GET / with the Host
-- header of the next tenant in a list (round-robin; each thread starts at its
-- own offset so the threads do not walk in step). The requests are built once
-- in init, so the Lua cost per request is a table lookup, the same for pcnweb
-- and nginx.
--
--   wrk ... -s deploy/bench/scale-hosts.lua http://127.0.0.1:PORT/ -- HOSTS_FILE
--
-- HOSTS_FILE has one Host header value per line (slug.localhost). Headers
-- given to wrk with -H (Accept-Encoding) are sent with every request.

local requests, n, i, threads = {}, 0, 0, 0
id = id or 0

function setup(thread)
    thread:set("id", threads)
    threads = threads + 1
end

function init(args)
    local file = args[1] or error("scale-hosts.lua: give the hosts file after --")
    for host in io.lines(file) do
        if host ~= "" then
            local headers = {}
            for k, v in pairs(wrk.headers) do
                headers[k] = v
            end
            headers["Host"] = host
            n = n + 1
            requests[n] = wrk.format("GET", "/", headers)
        end
    end
    if n == 0 then
        error("scale-hosts.lua: no hosts in " .. file)
    end
    -- Threads start a prime stride apart.
    i = (id * 997) % n
end

function request()
    i = i % n + 1
    return requests[i]
end
