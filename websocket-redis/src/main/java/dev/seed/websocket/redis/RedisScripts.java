package dev.seed.websocket.redis;

/**
 * The Lua scripts an engine runs: each one a unit that Redis runs atomically, so an offset, the
 * stream entry and the PUB/SUB message of a publication cannot come apart, nor a presence change
 * and its event. Key names come from {@link RedisKeys}; message formats from {@link RedisWire}.
 */
final class RedisScripts {

    private RedisScripts() {
    }

    /** Milliseconds since the epoch on Redis's own clock (every instance sees the same one). */
    private static final String NOW = """
            local t = redis.call('time')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            """;

    /**
     * Publishes to a topic that keeps a history. KEYS: stream, meta hash. ARGV: channel, head,
     * tail, size, age (ms), meta time to live (ms), the epoch of a new stream. Places the message
     * at the next offset, trims the stream to its size and age, and publishes the same bytes.
     * Returns {receivers, offset, epoch}.
     */
    static final String PUBLISH_WITH_HISTORY = NOW + """
            local epoch = redis.call('hget', KEYS[2], 'e')
            if not epoch then
              -- a new stream: entries of an older one (whose hash was lost) must not mix in
              redis.call('del', KEYS[1])
              epoch = ARGV[7]
              redis.call('hset', KEYS[2], 'e', epoch)
            end
            local offset = redis.call('hincrby', KEYS[2], 's', 1)
            local message = ARGV[2] .. offset .. '\\n' .. epoch .. '\\n' .. ARGV[3]
            redis.call('xadd', KEYS[1], 'MAXLEN', ARGV[4], '*', 'm', message)
            redis.call('xtrim', KEYS[1], 'MINID', string.format('%d', math.max(0, now - tonumber(ARGV[5]))))
            redis.call('pexpire', KEYS[1], ARGV[5])
            redis.call('pexpire', KEYS[2], ARGV[6])
            local receivers = redis.call('publish', ARGV[1], message)
            return {receivers, offset, epoch}
            """;

    /**
     * Reads a topic's history. KEYS: stream, meta hash. ARGV: age (ms), how many of the newest
     * entries. Drops what has expired first. Returns {epoch or '', last offset or '0', entries,
     * newest first}.
     */
    static final String HISTORY = NOW + """
            redis.call('xtrim', KEYS[1], 'MINID', string.format('%d', math.max(0, now - tonumber(ARGV[1]))))
            local epoch = redis.call('hget', KEYS[2], 'e')
            local top = redis.call('hget', KEYS[2], 's')
            return {epoch or '', top or '0', redis.call('xrevrange', KEYS[1], '+', '-', 'COUNT', ARGV[2])}
            """;

    /**
     * A member joins. KEYS: the topic's presence hash, the instance's member hash. ARGV: field
     * ({@code instance/connection}), value, the instance's field ({@code connection LF topic}),
     * presence channel, event. Publishes the event when the member is new.
     */
    static final String JOIN = """
            local added = redis.call('hset', KEYS[1], ARGV[1], ARGV[2])
            redis.call('hset', KEYS[2], ARGV[3], '1')
            if added == 1 then
              redis.call('publish', ARGV[4], ARGV[5])
            end
            return added
            """;

    /**
     * A member leaves. KEYS: the topic's presence hash, the instance's member hash. ARGV: field,
     * the instance's field, presence channel, event.
     */
    static final String LEAVE = """
            local removed = redis.call('hdel', KEYS[1], ARGV[1])
            redis.call('hdel', KEYS[2], ARGV[2])
            if removed == 1 then
              redis.call('publish', ARGV[3], ARGV[4])
            end
            return removed
            """;

    /**
     * An instance's heartbeat, and the sweep of the instances that stopped beating. KEYS: the
     * instances' sorted set. ARGV: this instance, its expiry window (ms), the presence key prefix,
     * the instance-members key prefix, the presence channel, and what this call is: '0' a beat,
     * '1' this instance stopping (it sweeps itself), '2' this instance starting (it sweeps what a
     * crashed run under the same id left, then registers). Each member of a swept instance is
     * removed with a leave event; the sweep reads only that instance's own member hash. Returns
     * {members removed, 1 when this instance had been swept as dead before this beat}.
     */
    static final String HEARTBEAT = NOW + """
            local swept = 0
            if ARGV[6] == '0' then
              if not redis.call('zscore', KEYS[1], ARGV[1]) then
                swept = 1
              end
              redis.call('zadd', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
            else
              redis.call('zadd', KEYS[1], 0, ARGV[1])
            end
            local function field(s)
              return string.len(s) .. ':' .. s
            end
            local left = 0
            for _, instance in ipairs(redis.call('zrangebyscore', KEYS[1], '-inf', now)) do
              local membersKey = ARGV[4] .. instance
              for _, f in ipairs(redis.call('hkeys', membersKey)) do
                local lf = string.find(f, '\\n', 1, true)
                if lf then
                  local connection = string.sub(f, 1, lf - 1)
                  local topic = string.sub(f, lf + 1)
                  local key = ARGV[3] .. topic
                  local member = instance .. '/' .. connection
                  local value = redis.call('hget', key, member)
                  if value then
                    redis.call('hdel', key, member)
                    redis.call('publish', ARGV[5],
                        'L' .. field(topic) .. field(instance) .. field(connection) .. value)
                    left = left + 1
                  end
                end
              end
              redis.call('del', membersKey)
              redis.call('zrem', KEYS[1], instance)
            end
            if ARGV[6] == '2' then
              redis.call('zadd', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
            end
            return {left, swept}
            """;
}
