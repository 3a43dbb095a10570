//! The Lua scripts: each runs atomically in Redis, so that a check and its change cannot be
//! separated by another replica's command.

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

/// Admits one request of the clientId whose leases are the sorted set KEYS[1]: ARGV[1] is
/// the limit, ARGV[2] how long (µs) a lease lasts unless released, ARGV[3] the lease id. A
/// lease's score is when it ends (µs, Redis's clock). Returns 0 when admitted, else how long
/// (µs) until the first lease ends.
pub(crate) static ACQUIRE: LazyLock<redis::Script> = LazyLock::new(|| {
    redis::Script::new(
        r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
  redis.call('PEXPIRE', KEYS[1], math.ceil(tonumber(ARGV[2]) / 1000) + 1000)
  return 0
end
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(first[2]) - now)
",
    )
});

/// The request of lease ARGV[2] was answered: its lease now ends ARGV[1] µs from now (never
/// later than it would have).
pub(crate) static RELEASE: LazyLock<redis::Script> = LazyLock::new(|| {
    redis::Script::new(
        r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
return redis.call('ZADD', KEYS[1], 'XX', 'LT', now + tonumber(ARGV[1]), ARGV[2])
",
    )
});
