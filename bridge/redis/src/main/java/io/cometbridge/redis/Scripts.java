package io.cometbridge.redis;

/**
 * The Lua scripts of {@link RedisSessionLog}; KEYS are always the session's meta hash, outbound
 * stream and inbound stream. A stream entry's id is its message's sequence number ({@code seq-0}).
 */
final class Scripts {
    private Scripts() {
    }

    /** Sets the three keys to expire after ARGV[ttl] milliseconds. */
    private static final String EXPIRE = """
            local function expire(ttl)
              for _, k in ipairs(KEYS) do redis.call('PEXPIRE', k, ttl) end
            end
            """;

    /**
     * ARGV: generation (0: create), received, acknowledged, keys, ttl, inbound cap, this node's
     * URL (the owner a create records), rooms (one per line), the session's principal (JSON, stored
     * by a create; "" for none), the session's position in the room broadcast log ("" for none:
     * the stored one stays), then the outbound entries and the inbound entries, each a count and 4 values per entry.
     * Returns STORED, TAKEN_OVER or GONE.
     */
    static final String COMMIT = EXPIRE + """
            local gen = tonumber(ARGV[1])
            if gen == 0 then
              if redis.call('EXISTS', KEYS[1]) == 1 then return 'GONE' end
              redis.call('HSET', KEYS[1], 'gen', 1, 'out', 0, 'received', 0, 'acked', 0, 'node', ARGV[7])
              if ARGV[9] ~= '' then redis.call('HSET', KEYS[1], 'principal', ARGV[9]) end
            else
              local stored = redis.call('HGET', KEYS[1], 'gen')
              if not stored then return 'GONE' end
              if tonumber(stored) ~= gen then return 'TAKEN_OVER' end
            end
            local out = tonumber(redis.call('HGET', KEYS[1], 'out'))
            local received = tonumber(ARGV[2])
            if received < tonumber(redis.call('HGET', KEYS[1], 'received')) then return 'GONE' end
            local i = 11
            local n = tonumber(ARGV[i])
            -- check every sequence number before writing anything: all or nothing
            for k = 1, n do
              if tonumber(ARGV[i + 1 + (k - 1) * 4]) ~= out + k then return 'GONE' end
            end
            for k = 1, n do
              local j = i + 1 + (k - 1) * 4
              redis.call('XADD', KEYS[2], ARGV[j] .. '-0', 'k', ARGV[j + 1], 'p', ARGV[j + 2], 't', ARGV[j + 3])
            end
            out = out + n
            i = i + 1 + n * 4
            n = tonumber(ARGV[i])
            for k = 1, n do
              local j = i + 1 + (k - 1) * 4
              redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[6], ARGV[j] .. '-0', 'k', ARGV[j + 1], 'p', ARGV[j + 2], 't', ARGV[j + 3])
            end
            redis.call('HSET', KEYS[1], 'out', out, 'received', received, 'acked', ARGV[3], 'keys', ARGV[4], 'rooms', ARGV[8])
            if ARGV[10] ~= '' then redis.call('HSET', KEYS[1], 'roomsAt', ARGV[10]) end
            redis.call('XTRIM', KEYS[2], 'MINID', (tonumber(ARGV[3]) + 1) .. '-0')
            expire(ARGV[5])
            return 'STORED'
            """;

    /**
     * ARGV: ttl, this node's URL (the new owner), the resume key the client presented (one of the
     * stored keys, or nothing happens), "=" and the name of the principal the client authenticated
     * as ("" for no check; another principal than the stored one: nothing happens, the answer is
     * {"principal_changed"}). Raises the generation and returns {generation, received, acknowledged, keys, out,
     * entries after the acknowledged one, rooms, principal ("" for none), position in the room broadcast log ("" for none)},
     * or an empty list when the session does not exist.
     */
    static final String TAKE_OVER = EXPIRE + """
            if redis.call('EXISTS', KEYS[1]) == 0 then return {} end
            local stored = ' ' .. (redis.call('HGET', KEYS[1], 'keys') or '') .. ' '
            if ARGV[3] == '' or not string.find(stored, ' ' .. ARGV[3] .. ' ', 1, true) then return {} end
            if ARGV[4] ~= '' then
              local p = redis.call('HGET', KEYS[1], 'principal') or ''
              local name = p == '' and '' or ('=' .. cjson.decode(p)['name'])
              if name ~= ARGV[4] then return {'principal_changed'} end
            end
            local gen = redis.call('HINCRBY', KEYS[1], 'gen', 1)
            redis.call('HSET', KEYS[1], 'node', ARGV[2])
            local m = redis.call('HMGET', KEYS[1], 'received', 'acked', 'keys', 'out', 'rooms', 'principal', 'roomsAt')
            local entries = redis.call('XRANGE', KEYS[2], (tonumber(m[2]) + 1) .. '-0', '+')
            expire(ARGV[1])
            return {gen, m[1], m[2], m[3] or '', m[4], entries, m[5] or '', m[6] or '', m[7] or ''}
            """;

    /** ARGV: generation, ttl. Returns STORED (still ours), TAKEN_OVER or GONE. */
    static final String TOUCH = EXPIRE + """
            local stored = redis.call('HGET', KEYS[1], 'gen')
            if not stored then return 'GONE' end
            if tonumber(stored) ~= tonumber(ARGV[1]) then return 'TAKEN_OVER' end
            expire(ARGV[2])
            return 'STORED'
            """;
}
