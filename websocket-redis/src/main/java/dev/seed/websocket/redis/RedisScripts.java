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
              epoch = ARGV[7]
              redis.call('hset', KEYS[2], 'e', epoch)
            end
            local offset = redis.call('hincrby', KEYS[2], 's', 1)
            local message = ARGV[2] .. offset .. '\\n' .. epoch .. '\\n' .. ARGV[3]
            redis.call('xadd', KEYS[1], 'MAXLEN', ARGV[4], '*', 'm', message)
            redis.call('xtrim', KEYS[1], 'MINID', string.format('%d', now - tonumber(ARGV[5])))
            redis.call('pexpire', KEYS[1], ARGV[5])
            redis.call('pexpire', KEYS[2], ARGV[6])
            local receivers = redis.call('publish', ARGV[1], message)
            return {receivers, offset, epoch}
            """;

    /**
     * Reads a topic's history. KEYS: stream, meta hash. ARGV: age (ms). Drops what has expired
     * first. Returns {epoch or '', last offset or '0', entries}.
     */
    static final String HISTORY = NOW + """
            redis.call('xtrim', KEYS[1], 'MINID', string.format('%d', now - tonumber(ARGV[1])))
            local epoch = redis.call('hget', KEYS[2], 'e')
            local top = redis.call('hget', KEYS[2], 's')
            return {epoch or '', top or '0', redis.call('xrange', KEYS[1], '-', '+')}
            """;

    /**
     * A member joins. KEYS: the topic's presence hash, the instance's topic set. ARGV: field,
     * value, topic, presence channel, event. Publishes the event when the member is new.
     */
    static final String JOIN = """
            local added = redis.call('hset', KEYS[1], ARGV[1], ARGV[2])
            redis.call('sadd', KEYS[2], ARGV[3])
            if added == 1 then
              redis.call('publish', ARGV[4], ARGV[5])
            end
            return added
            """;

    /** A member leaves. KEYS: the topic's presence hash. ARGV: field, presence channel, event. */
    static final String LEAVE = """
            local removed = redis.call('hdel', KEYS[1], ARGV[1])
            if removed == 1 then
              redis.call('publish', ARGV[2], ARGV[3])
            end
            return removed
            """;

    /**
     * An instance's heartbeat, and the sweep of the instances that stopped beating. KEYS: the
     * instances' sorted set. ARGV: this instance, its expiry window (ms), the presence key prefix,
     * the instance-topics key prefix, the presence channel, '1' when this instance is stopping
     * (it sweeps itself). Each member of a dead instance is removed with a leave event. Returns
     * {members removed, 1 when this instance had been swept as dead before this beat}.
     */
    static final String HEARTBEAT = NOW + """
            local swept = 0
            if ARGV[6] == '1' then
              redis.call('zadd', KEYS[1], 0, ARGV[1])
            else
              if not redis.call('zscore', KEYS[1], ARGV[1]) then
                swept = 1
              end
              redis.call('zadd', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
            end
            local function field(s)
              return string.len(s) .. ':' .. s
            end
            local left = 0
            for _, instance in ipairs(redis.call('zrangebyscore', KEYS[1], '-inf', now)) do
              local topicsKey = ARGV[4] .. instance
              for _, topic in ipairs(redis.call('smembers', topicsKey)) do
                local key = ARGV[3] .. topic
                local members = redis.call('hgetall', key)
                for i = 1, #members, 2 do
                  local f = members[i]
                  local slash = string.find(f, '/', 1, true)
                  if slash and string.sub(f, 1, slash - 1) == instance then
                    redis.call('hdel', key, f)
                    redis.call('publish', ARGV[5],
                        'L' .. field(topic) .. field(instance) .. field(string.sub(f, slash + 1)) .. members[i + 1])
                    left = left + 1
                  end
                end
              end
              redis.call('del', topicsKey)
              redis.call('zrem', KEYS[1], instance)
            end
            return {left, swept}
            """;
}
