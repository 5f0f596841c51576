-- wrk script for bench/pages.sh: anonymous reads spread over the pages most
-- visited while members write (home, practice list, a municipality, search).
local paths = { "/", "/practicas", "/municipios/07089", "/buscar?q=albergue", "/organizaciones" }
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n % #paths) + 1], { ["Accept-Encoding"] = "gzip" })
end
