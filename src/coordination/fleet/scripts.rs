//! The Lua scripts: each runs atomically in Redis, so that a check and its change cannot be
//! separated by another replica's command.

use crate::limiter::{CUBIC_BETA, CUBIC_C, CUBIC_WINDOW, MAX_NOISE};
use std::sync::LazyLock;

/// Deletes the token under KEYS[1] only if it is still ARGV[1] (a 401 proved it dead; a newer
/// token another replica put meanwhile stays). Returns 1 when deleted.
pub(crate) static DELETE_TOKEN_IF: LazyLock<redis::Script> = LazyLock::new(|| {
    redis::Script::new(
        r"
local stored = redis.call('GET', KEYS[1])
if stored and cjson.decode(stored).accessToken == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
",
    )
});

/// Releases the lock KEYS[1] only if ARGV[1] still holds it (it may have expired and been
/// taken by another replica).
pub(crate) static UNLOCK: LazyLock<redis::Script> = LazyLock::new(|| {
    redis::Script::new(
        r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
",
    )
});

/// Admits one request of the clientId whose leases are the sorted set KEYS[1] (a lease's
/// score is when it ends, µs on Redis's clock), registers the replica asking in the sorted
/// set KEYS[2] (score: when it counts as gone), and keeps the fleet's learned rate under
/// KEYS[3] (adaptive pacing: JSON `{w: W_max, at: the last cut (ms), noise, gen, pw, pat:
/// the state before the cut, trial: an unpaced fleet's cut on trial}`) and the answers of the
/// last window under KEYS[4] (members `<lease id>:<successes>:<429s>`, scored by when they
/// leave the window).
///
/// The limit is the configured one (ARGV[1], -1: none) under the learned rate (CUBIC's
/// `C · (t − K)³ + W_max`, `t` since the cut), less a tenth (at least one, not the last one)
/// for a request that is not interactive (ARGV[3] = 0): the fleet's batch never takes the
/// reserve of its interactive calls. An interactive request may also use `W_max` while the
/// rate climbs back under it after a cut (what succeeded before the cut, under the ceiling).
///
/// ARGV: [1] the configured limit, [2] 1 to admit, 0 to admit nothing (a switch's guard),
/// [3] 1 for an interactive request, [4] how long (µs) a new lease lasts unless its release
/// extends it, [5] the lease id, [6] the replica id, [7] how long (µs) the replica counts as
/// live, [8] the keys' TTL (ms), [9] a replica's proposal: `cut` (to ARGV[10] of the fleet's
/// learned rate; unpaced, to the successes of the last window), `undo` (the trial of cut
/// ARGV[11] failed, ARGV[10] is the noise) or empty, [11] the state's generation the replica
/// knows (a cut stands only if it is the latest, a window after the last cut, none is on
/// trial, and, unpaced with a noise known, the fleet's 429s of the last window rise above it), [12] and [13] the successes and the 429s the replica was answered since its last
/// admission, then pairs
/// (lease id, µs it still counts) the replica granted itself or that Redis lost while it did
/// not answer: added unless present.
///
/// Returns {0 when admitted, else µs until the first lease ends; the number of live replicas;
/// the limit (-1: none); W_max in thousandths (-1: none); ms since the cut; the noise in
/// millionths; the generation; 1 when the proposal was applied}.
pub(crate) static ACQUIRE: LazyLock<redis::Script> = LazyLock::new(|| {
    redis::Script::new(&format!(
        r"
local beta, c, window_ms, max_noise = {beta}, {c}, {window_ms}, {max_noise}
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local now_ms = math.floor(now / 1000)
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[7]), ARGV[6])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
redis.call('PEXPIRE', KEYS[2], math.ceil(tonumber(ARGV[7]) / 1000))
local replicas = redis.call('ZCARD', KEYS[2])
local ok, thr = tonumber(ARGV[12]), tonumber(ARGV[13])
if ok + thr > 0 then
  redis.call('ZADD', KEYS[4], now + window_ms * 1000, ARGV[5] .. ':' .. ok .. ':' .. thr)
  redis.call('PEXPIRE', KEYS[4], window_ms * 2)
end
for i = 14, #ARGV, 2 do
  redis.call('ZADD', KEYS[1], 'NX', now + tonumber(ARGV[i + 1]), ARGV[i])
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[8]))
local taken = redis.call('ZCARD', KEYS[1])
local ceiling = tonumber(ARGV[1])
local raw = redis.call('GET', KEYS[3])
local s = raw and cjson.decode(raw) or {{gen = 0, noise = 0}}
local function rate()
  if not s.w then return nil end
  local k = (s.w * (1 - beta) / c) ^ (1 / 3)
  local x = (now_ms - s.at) / 1000 - k
  return math.max(1, c * x * x * x + s.w)
end
-- The fleet's answers of the last window: successes, 429s.
local function answers()
  redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now)
  local a, b = 0, 0
  for _, m in ipairs(redis.call('ZRANGE', KEYS[4], 0, -1)) do
    local x, y = string.match(m, ':(%d+):(%d+)$')
    a, b = a + tonumber(x), b + tonumber(y)
  end
  return a, b
end
local dirty = ARGV[9] ~= ''
-- An unpaced fleet's cut is on trial, judged once a window from the fleet's answers (a
-- replica sees a part of them): its share of 429s fell by half, it holds; it did not (and
-- is no quota's, at most max_noise), the 429s do not follow the rate: undone, their share
-- is the noise. Without ten 429s expected, judged again, five windows at most.
if s.trial and now_ms >= s.trial.next then
  local a, b = answers()
  local share = b / math.max(1, a + b)
  local enough = s.trial.share * (a + b) >= 10
  s.trial.next, s.trial.left = now_ms + window_ms, s.trial.left - 1
  if enough and share < s.trial.share / 2 then
    s.trial = nil
  elseif enough and share <= max_noise and b >= 5 then
    s.w, s.at, s.pw, s.pat, s.trial = s.pw, s.pat, nil, nil, nil
    s.noise = math.max(s.noise, share)
    s.gen = s.gen + 1
  elseif s.trial.left <= 0 or share > max_noise then
    s.trial = nil
  end
  dirty = true
end
local applied = 0
local seen = tonumber(ARGV[11])
if ARGV[9] == 'cut' and seen == s.gen and (not s.at or now_ms - s.at >= window_ms)
    and not s.trial then
  local w = rate() or ceiling
  local cut = true
  if w >= 0 then
    if ceiling >= 0 then w = math.min(w, ceiling) end
    w = w * tonumber(ARGV[10])
  else
    -- Unpaced: what succeeded in the last window, fleet-wide; on trial (above). Once the
    -- fleet knows a noise, the fleet's own 429s of that window must rise above it: a replica
    -- sees a part of them, and one of its windows rises by chance now and then.
    local b
    w, b = answers()
    local expected = s.noise * (w + b)
    cut = s.noise == 0
      or b >= expected + 3 * math.sqrt(expected * (1 - s.noise)) + 1
    if cut then
      s.trial = {{share = b / math.max(1, w + b), next = now_ms + window_ms, left = 5}}
    end
  end
  if cut then
    s.pw, s.pat = s.w, s.at
    s.w = math.max(1, w)
    s.at = now_ms
    s.gen = s.gen + 1
    applied = 1
  end
elseif ARGV[9] == 'undo' then
  s.noise = math.max(s.noise, tonumber(ARGV[10]))
  if seen == s.gen then
    s.w, s.at, s.pw, s.pat, s.trial = s.pw, s.pat, nil, nil, nil
    s.gen = s.gen + 1
    applied = 1
  end
end
if dirty then
  redis.call('SET', KEYS[3], cjson.encode(s), 'PX', {state_ttl_ms})
end
local limit = ceiling
local r = rate()
if r then
  limit = math.floor(r)
  if ceiling >= 0 then limit = math.min(limit, ceiling) end
end
local lane = limit
if limit >= 0 and ARGV[3] ~= '1' then
  lane = limit - math.min(math.max(1, math.floor(limit / 10)), limit - 1)
elseif r and s.w > limit then
  -- After a cut, an interactive call may still use what succeeded before it (W_max): the
  -- leases taken then exceed the new rate, and it need not wait for them to end.
  lane = math.floor(s.w)
  if ceiling >= 0 then lane = math.min(lane, ceiling) end
end
local w = s.w and math.floor(s.w * 1000) or -1
local age = s.at and math.max(0, now_ms - s.at) or 0
local state = {{replicas, limit, w, age, math.floor(s.noise * 1000000), s.gen, applied}}
if ARGV[2] == '1' and (lane < 0 or taken < lane) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[4]), ARGV[5])
  return {{0, unpack(state)}}
end
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
local wait = first[2] and math.max(1, tonumber(first[2]) - now) or 1000
return {{wait, unpack(state)}}
",
        beta = CUBIC_BETA,
        c = CUBIC_C,
        window_ms = CUBIC_WINDOW.as_millis(),
        state_ttl_ms = LEARNED_TTL.as_millis(),
        max_noise = MAX_NOISE,
    ))
});

/// How long the fleet's learned rate is kept after its last change: long after it, CUBIC's
/// rate is far above any quota anyway.
const LEARNED_TTL: std::time::Duration = std::time::Duration::from_secs(3_600);

/// The request of lease ARGV[2] is over: its lease now ends ARGV[1] µs from now (a window
/// after an answer; the rest of the hold time for a request that failed in transit). A lease
/// that already ended stays gone.
pub(crate) static RELEASE: LazyLock<redis::Script> = LazyLock::new(|| {
    redis::Script::new(
        r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
return redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[1]), ARGV[2])
",
    )
});

/// The requests of leases ARGV[2..] are still in flight: each lease lasts at least ARGV[1] µs
/// from now (added again if it ended meanwhile, e.g. during a pause).
pub(crate) static RENEW: LazyLock<redis::Script> = LazyLock::new(|| {
    redis::Script::new(
        r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
for i = 2, #ARGV do
  redis.call('ZADD', KEYS[1], 'GT', now + tonumber(ARGV[1]), ARGV[i])
end
return 0
",
    )
});
