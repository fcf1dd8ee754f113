-- Planted flake (a): the result depends on `pairs` order.
-- A settings loader guesses the file's format from the first key it sees: a legacy spelling
-- first means a legacy file, where only legacy spellings count. The user's file mixes both
-- spellings; the author's machine always listed a modern key first. Seeded string hashing
-- changes the order `pairs` visits keys in, so some seeds fail -- with the JIT on or off.
local legacy = { tmo = "timeout", nretry = "retries" }

local function load_settings(user)
  local settings = { timeout = 5, retries = 3 }
  local first = next(user)
  local legacy_file = legacy[first] ~= nil
  for key, value in pairs(user) do
    if legacy_file then
      if legacy[key] then settings[legacy[key]] = value end
    elseif not legacy[key] then
      settings[key] = value
    end
  end
  return settings
end

local user = {
  timeout = 30, retries = 4, verbose = true, color = "auto", level = 2,
  host = "localhost", port = 8080, user = "ci", shell = "sh", tmo = 10,
}
local settings = load_settings(user)
if settings.timeout ~= 30 then
  error("timeout is " .. settings.timeout .. ", expected 30 from the user's settings")
end
print("settings ok: timeout " .. settings.timeout .. ", retries " .. settings.retries)
