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

/// Admits one request of the clientId whose leases are the sorted set KEYS[1] (a lease's
/// score is when it ends, µs on Redis's clock) and registers the replica asking in the sorted
/// set KEYS[2] (score: when it counts as gone).
///
/// ARGV: [1] the limit, [2] how long (µs) a new lease lasts unless its release extends it,
/// [3] the lease id, [4] the replica id, [5] how long (µs) the replica counts as live, [6] the
/// leases key's TTL (ms), then pairs (lease id, µs it still counts) the replica granted itself
/// or that Redis lost while it did not answer: added unless present.
///
/// Returns {0 when admitted, else µs until the first lease ends; the number of live replicas}.
pub(crate) static ACQUIRE: LazyLock<redis::Script> = LazyLock::new(|| {
    redis::Script::new(
        r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[5]), ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
redis.call('PEXPIRE', KEYS[2], math.ceil(tonumber(ARGV[5]) / 1000))
local replicas = redis.call('ZCARD', KEYS[2])
for i = 7, #ARGV, 2 do
  redis.call('ZADD', KEYS[1], 'NX', now + tonumber(ARGV[i + 1]), ARGV[i])
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[6]))
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
  return {0, replicas}
end
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {math.max(1, tonumber(first[2]) - now), replicas}
",
    )
});

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
