// The dedupe index's check-and-insert, one Lua script so Redis runs it atomically: two workers holding two
// copies of one story cannot both see "unique". Key layout and record format: see src/infra/dedupe-index.ts.
//
// KEYS[1] = the key prefix (carries the hash tag, so every key below shares its Redis Cluster slot).
// ARGV: now, generationMs, generations, retentionMs, articlesPerGeneration, nearJaccard, nearContainment,
//       containmentMinJaccard, minShingles, maxCandidates, id, idBin(8 bytes), rawId ('' when id is 16 hex),
//       size, sig(32 bytes), site (16-bit hash, 0 unknown), sameSiteJaccard, readOnly ('1': judge, insert nothing),
//       then text/url/item as (hi, lo) pairs ('' when absent), bandCount, (hi, lo) per band.
// Returns { status, duplicateOf, clusterId, similarity, reason, updateOf }, '' for null.
export const DEDUPE_CHECK_LUA = `
local P = KEYS[1]
local now, genMs, G, retentionMs, perGen = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local tJ, tC, tCJ, minSh, maxCand = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10])
local id, idBin, rawId, size, sig = ARGV[11], ARGV[12], ARGV[13], tonumber(ARGV[14]), ARGV[15]
local site, tSite, readOnly = tonumber(ARGV[16]), tonumber(ARGV[17]), ARGV[18] == '1'
local exact = {}
local a = 19
for k = 1, 3 do
  if ARGV[a] ~= '' then exact[k] = { tonumber(ARGV[a]), tonumber(ARGV[a + 1]) } end
  a = a + 2
end
-- A text too short to compare (a paywall stub, "photo gallery") says nothing about identity: no text key.
if size < minSh then exact[1] = nil end
local nb = tonumber(ARGV[a])
a = a + 1
local bands = {}
for k = 1, nb do
  bands[k] = { tonumber(ARGV[a]), tonumber(ARGV[a + 1]) % 4096 }
  a = a + 2
end
local SEP = '\\31'

local cur = math.floor(now / genMs)
local expireAt = (cur + 1) * genMs + retentionMs
-- Exact-key fields hold the low 32 bits of the key's hash (bucket bits + 32 name a key); generations written before
-- that held 23 and say so by a meta value without a third number.
local FIELD_BITS = 32
-- live generations, oldest first: { g, exactBits, bandBits, x prefix, b prefix, band bucket divisor, field modulus }
local gens = {}
for g = cur - G, cur do
  local m = redis.call('GET', P .. ':m:' .. g)
  if m then
    local xb, bb, fb = string.match(m, '^(%d+),(%d+),?(%d*)$')
    gens[#gens + 1] = { g, tonumber(xb), tonumber(bb), P .. ':x:' .. g .. ':', P .. ':b:' .. g .. ':', 2 ^ (32 - tonumber(bb)),
      2 ^ (tonumber(fb) or 23) }
  end
end

local function bucket(hi, bits) return math.floor(hi / 2 ^ (32 - bits)) end
local function xkey(g, bits, hi) return P .. ':x:' .. g .. ':' .. bucket(hi, bits) end
local function bkey(g, bits, hi) return P .. ':b:' .. g .. ':' .. bucket(hi, bits) end
local function skey(kind, g, seq) return P .. ':' .. kind .. ':' .. g .. ':' .. math.floor(seq / 64) end

local function hex(s)
  return (string.gsub(s, '.', function(c) return string.format('%02x', string.byte(c)) end))
end
-- record: id (8 bytes) | shingle count (2) | flags (1) | site (2) | 4-bit MinHash signature (32)
local function rsize(r) return string.byte(r, 9) * 256 + string.byte(r, 10) end
local function rsite(r) return string.byte(r, 12) * 256 + string.byte(r, 13) end
local function rsig(r) return string.sub(r, 14, 45) end
local function rflags(r) return string.byte(r, 11) end
local function getRecord(g, seq) return redis.call('HGET', skey('r', g, seq), seq % 64) end
local function idOf(g, seq, r)
  if math.floor(rflags(r) / 2) % 2 == 1 then return redis.call('HGET', skey('i', g, seq), seq % 64) or hex(string.sub(r, 1, 8)) end
  return hex(string.sub(r, 1, 8))
end
-- verdicts are stored with one-letter codes so the value fits a listpack entry (64 bytes)
local CODE = { unique = 'U', duplicate = 'D', ['near-duplicate'] = 'N', url = 'u', ['item-id'] = 'i', ['content-hash'] = 'h',
  ['near-text'] = 't', ['url-update'] = 'p', ['item-update'] = 'q', [''] = '' }
local WORD = {}
for w, c in pairs(CODE) do WORD[c] = w end
local function encodeVerdict(v)
  local cl, upd = v[3], v[6]
  if cl == v[2] then cl = '=' end
  if upd ~= '' and upd == v[2] then upd = '=' end
  return table.concat({ CODE[v[1]] .. CODE[v[5]], v[2], cl, v[4], upd }, SEP)
end
local function storedVerdict(g, seq, r)
  if rflags(r) % 2 == 1 then
    local v = redis.call('HGET', skey('v', g, seq), seq % 64)
    if v then
      local f = {}
      for part in string.gmatch(v .. SEP, '(.-)' .. SEP) do f[#f + 1] = part end
      local cl, upd = f[3], f[5]
      if cl == '=' then cl = f[2] end
      if upd == '=' then upd = f[2] end
      return { WORD[string.sub(f[1], 1, 1)], f[2], cl, f[4], WORD[string.sub(f[1], 2, 2)], upd }
    end
  end
  return { 'unique', '', idOf(g, seq, r), '', '', '' }
end
local function clusterOf(g, seq, r) return storedVerdict(g, seq, r)[3] end
local function jaccard(sa, sb)
  local same = 0
  for i = 1, 32 do
    local x, y = string.byte(sa, i), string.byte(sb, i)
    if math.floor(x / 16) == math.floor(y / 16) then same = same + 1 end
    if x % 16 == y % 16 then same = same + 1 end
  end
  local j = (same / 64 - 1 / 16) / (15 / 16)
  if j < 0 then j = 0 elseif j > 1 then j = 1 end
  return j
end
local function containment(j, sa, sb)
  local small = math.min(sa, sb)
  if small == 0 then return 0 end
  return math.min(1, j * (sa + sb) / (1 + j) / small)
end
local function fmt(x) return string.format('%.3f', x) end

-- exact keys: oldest owner of text hash, canonical URL, feed item. A key is a fingerprint of its hash, so another
-- key can share it: a text hit counts only with the same shingle count and signature, which the same text has.
local found = {}
for k = 1, 3 do
  local e = exact[k]
  if e then
    for _, gm in ipairs(gens) do
      local s = redis.call('HGET', xkey(gm[1], gm[2], e[1]), e[2] % gm[7])
      if s then
        local seq = tonumber(s)
        local r = getRecord(gm[1], seq)
        if r and (k ~= 1 or (rsize(r) == size and rsig(r) == sig)) then found[k] = { gm[1], seq, r } break end
      end
    end
  end
end

-- the same article seen before (redelivery, replay, a re-fetch): the verdict it got then. Its text may have changed
-- meanwhile (a replay after a clean rule changed, a page fetched again); it is still no copy or update of itself.
for k = 1, 3 do
  local f = found[k]
  if f and string.sub(f[3], 1, 8) == idBin then return storedVerdict(f[1], f[2], f[3]) end
end

local status, dupOf, cluster, sim, reason, updateOf = 'unique', '', id, '', '', ''
local prev = found[2] or found[3]
if found[1] then
  local f = found[1]
  status, dupOf, cluster, sim = 'duplicate', idOf(f[1], f[2], f[3]), clusterOf(f[1], f[2], f[3]), '1.000'
  if found[2] and found[2][1] == f[1] and found[2][2] == f[2] then reason = 'url'
  elseif found[3] and found[3][1] == f[1] and found[3][2] == f[2] then reason = 'item-id'
  else reason = 'content-hash' end
  if prev and not (prev[1] == f[1] and prev[2] == f[2]) then updateOf = idOf(prev[1], prev[2], prev[3]) end
elseif prev and rsize(prev[3]) == size and rsig(prev[3]) == sig then
  -- the same URL or feed item with the same fingerprint (a text too short for a text key, or none)
  status, dupOf, cluster, sim = 'duplicate', idOf(prev[1], prev[2], prev[3]), clusterOf(prev[1], prev[2], prev[3]), '1.000'
  reason = found[2] and 'url' or 'item-id'
elseif prev then
  -- the same URL or feed item with changed text: an update of that story, reported as its near duplicate
  status, dupOf, cluster = 'near-duplicate', idOf(prev[1], prev[2], prev[3]), clusterOf(prev[1], prev[2], prev[3])
  updateOf = dupOf
  reason = found[2] and 'url-update' or 'item-update'
  sim = fmt(jaccard(sig, rsig(prev[3])))
end

-- near duplicates: candidates share a MinHash band value, then the 4-bit signatures and sizes decide.
-- Each band value has a first owner (field r) and, once a near duplicate shared it, the latest such member of
-- the story (field -1-r, same bucket, one HMGET): so an edit of an edit finds the version it resembles.
local bandSeen = {}
if status == 'unique' and size >= minSh then
  local votes, order = {}, {}
  local function vote(g, s)
    local key = g .. ':' .. s
    if not votes[key] then
      votes[key] = { g, tonumber(s), 0 }
      order[#order + 1] = key
    end
    votes[key][3] = votes[key][3] + 1
  end
  for _, gm in ipairs(gens) do
    for k = 1, nb do
      local r = bands[k][2]
      local hit = redis.call('HMGET', gm[5] .. math.floor(bands[k][1] / gm[6]), r, -1 - r)
      if hit[1] then
        bandSeen[k] = true
        vote(gm[1], hit[1])
      end
      if hit[2] and hit[2] ~= hit[1] then vote(gm[1], hit[2]) end
    end
  end
  local cands = {}
  for _, key in ipairs(order) do cands[#cands + 1] = votes[key] end
  table.sort(cands, function(x, y) if x[3] ~= y[3] then return x[3] > y[3] end return x[1] < y[1] or (x[1] == y[1] and x[2] < y[2]) end)
  local best, bestSim = nil, 0
  for i = 1, math.min(#cands, maxCand) do
    local c = cands[i]
    local r = getRecord(c[1], c[2])
    if r then
      local rs = rsize(r)
      if rs >= minSh then
        local j = jaccard(sig, rsig(r))
        local cont = containment(j, size, rs)
        local s = nil
        if site ~= 0 and rsite(r) == site then
          -- same site: shared page chrome can make different articles alike, so only strong resemblance counts
          if j >= tSite then s = j end
        elseif cont >= tC and j >= tCJ then s = cont
        elseif j >= tJ then s = j end
        -- of the articles it matches, the first seen is the one it copies
        if s and (not best or c[1] < best[1] or (c[1] == best[1] and c[2] < best[2])) then best, bestSim = { c[1], c[2], r }, s end
      end
    end
  end
  if best then
    status, reason, sim = 'near-duplicate', 'near-text', fmt(bestSim)
    dupOf, cluster = idOf(best[1], best[2], best[3]), clusterOf(best[1], best[2], best[3])
  end
end

local verdict = { status, dupOf, cluster, sim, reason, updateOf }
if readOnly then return verdict end

-- insert into the current generation
local meta = P .. ':m:' .. cur
local cg = gens[#gens]
if not cg or cg[1] ~= cur then
  -- Size the new generation's buckets from the busiest live generation (traffic changes slowly), else from the
  -- configured capacity: about 40-80 fields per bucket keeps each a listpack under Redis's default limit of 128.
  local seen = 0
  for _, gm in ipairs(gens) do seen = math.max(seen, tonumber(redis.call('GET', P .. ':n:' .. gm[1]) or '0')) end
  local n = perGen
  if seen > 0 then n = math.max(seen * 1.25, perGen / 4) end
  local function bits(entries)
    local b = 0
    while b < 24 and 80 * 2 ^ b < entries do b = b + 1 end
    return b
  end
  cg = { cur, bits(n * 3), bits(n * math.max(nb, 1)) }
  cg[6] = 2 ^ (32 - cg[3])
  cg[7] = 2 ^ FIELD_BITS
  redis.call('SET', meta, cg[2] .. ',' .. cg[3] .. ',' .. FIELD_BITS, 'PXAT', expireAt)
end
local counter = P .. ':n:' .. cur
local seq = redis.call('INCR', counter)
redis.call('PEXPIREAT', counter, expireAt)
local function put(key, field, value, cmd)
  -- a field that was already there means a key that already has its expiry
  if redis.call(cmd or 'HSET', key, field, value) == 1 then redis.call('PEXPIREAT', key, expireAt) end
end
local flags = 0
if status ~= 'unique' then flags = flags + 1 end
if rawId ~= '' then flags = flags + 2 end
put(skey('r', cur, seq), seq % 64, idBin .. string.char(math.floor(size / 256), size % 256, flags, math.floor(site / 256), site % 256) .. sig)
if rawId ~= '' then put(skey('i', cur, seq), seq % 64, rawId) end
if status ~= 'unique' then
  put(skey('v', cur, seq), seq % 64, encodeVerdict(verdict))
end
for k = 1, 3 do
  if exact[k] and not found[k] then put(xkey(cur, cg[2], exact[k][1]), exact[k][2] % cg[7], seq, 'HSETNX') end
end
-- Band values already taken stay with their first owner (often another copy of the same story): a copy that
-- resembles several members then reports the first seen. New values of a near duplicate extend its cluster.
if status ~= 'duplicate' and size >= minSh then
  for k = 1, nb do
    local key = bkey(cur, cg[3], bands[k][1])
    if not bandSeen[k] then put(key, bands[k][2], seq, 'HSETNX')
    elseif status == 'near-duplicate' then put(key, -1 - bands[k][2], seq) end
  end
end
return verdict
`;
