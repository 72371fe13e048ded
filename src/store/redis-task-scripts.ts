/**
 * Lua scripts of the Redis store. Each runs atomically on the server, so a
 * status change and its index updates are one step, as a SQLite transaction is.
 *
 * Keys under the prefix P: `P:task:ID` (hash), `P:seq` (counter), `P:all`,
 * `P:status:S`, `P:type:T`, `P:status-type:S:T` (sorted sets by seq, newest
 * last), `P:queue` (queued tasks by priority, then seq) and `P:finished`
 * (terminal tasks by finish time, for pruning).
 */

/** Shared by every script: moves one task between status indexes. */
const PRELUDE = `
local p = ARGV[1]
local function queue_score(priority, seq)
  return string.format('%.0f', (1000 - tonumber(priority)) * 1099511627776 + tonumber(seq))
end
local function reindex(id, from, to)
  local key = p .. ':task:' .. id
  local seq, ttype, priority = unpack(redis.call('HMGET', key, 'seq', 'task_type', 'priority'))
  if from then
    redis.call('ZREM', p .. ':status:' .. from, id)
    redis.call('ZREM', p .. ':status-type:' .. from .. ':' .. ttype, id)
    if from == 'queued' then redis.call('ZREM', p .. ':queue', id) end
  end
  redis.call('ZADD', p .. ':status:' .. to, seq, id)
  redis.call('ZADD', p .. ':status-type:' .. to .. ':' .. ttype, seq, id)
  if to == 'queued' then redis.call('ZADD', p .. ':queue', queue_score(priority, seq), id) end
end
`;

/**
 * Stores tasks, all or none. ARGV: prefix, max queued (-1: no limit), then per
 * task: its id, the number of its field/value pairs, the pairs. Returns each
 * task's hash, or 0 when they would take the queue past the limit.
 */
export const INSERT = `${PRELUDE}
local max, tasks, at = tonumber(ARGV[2]), {}, 3
while at <= #ARGV do
  local n = tonumber(ARGV[at + 1])
  tasks[#tasks + 1] = { id = ARGV[at], first = at + 2, last = at + 1 + 2 * n }
  at = at + 2 + 2 * n
end
if max >= 0 and redis.call('ZCARD', p .. ':status:queued') + #tasks > max then return 0 end
local seen = {}
for _, task in ipairs(tasks) do
  if seen[task.id] or redis.call('EXISTS', p .. ':task:' .. task.id) == 1 then return redis.error_reply('ERR duplicate task id ' .. task.id) end
  seen[task.id] = true
end
local stored = {}
for _, task in ipairs(tasks) do
  local key = p .. ':task:' .. task.id
  local seq = redis.call('INCR', p .. ':seq')
  redis.call('HSET', key, 'seq', seq, 'status', 'queued', 'progress', 0, 'attempts', 0, unpack(ARGV, task.first, task.last))
  redis.call('ZADD', p .. ':all', seq, task.id)
  redis.call('ZADD', p .. ':type:' .. redis.call('HGET', key, 'task_type'), seq, task.id)
  reindex(task.id, nil, 'queued')
  stored[#stored + 1] = redis.call('HGETALL', key)
end
return stored
`;

/**
 * Compare-and-set of the status. ARGV: prefix, id, to, finished score ('' for
 * none), attempts increment, the attempt the task must be on ('' for any),
 * '1' to answer 1 instead of the hash, #from, from..., #set pairs,
 * field/value..., fields to delete... Returns the updated hash (or 1), or nil
 * when the status was not in from (or another attempt runs).
 */
export const TRANSITION = `${PRELUDE}
local id, to, finished, bump, attempt, brief = ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5]), ARGV[6], ARGV[7] == '1'
local key = p .. ':task:' .. id
local current, attempts = unpack(redis.call('HMGET', key, 'status', 'attempts'))
if not current then return false end
if attempt ~= '' and attempts ~= attempt then return false end
local n_from, allowed = tonumber(ARGV[8]), false
for i = 1, n_from do if ARGV[8 + i] == current then allowed = true end end
if not allowed then return false end
local at = 9 + n_from
local n_set = tonumber(ARGV[at])
redis.call('HSET', key, 'status', to, unpack(ARGV, at + 1, at + 2 * n_set))
if #ARGV > at + 2 * n_set then redis.call('HDEL', key, unpack(ARGV, at + 2 * n_set + 1)) end
if bump > 0 then redis.call('HINCRBY', key, 'attempts', bump) end
if current ~= to then reindex(id, current, to) end
if finished ~= '' then redis.call('ZADD', p .. ':finished', finished, id) end
if brief then return 1 end
return redis.call('HGETALL', key)
`;

/** Claims the most urgent queued task. ARGV: prefix. Returns its hash or nil. */
export const CLAIM_NEXT = `${PRELUDE}
local next = redis.call('ZRANGE', p .. ':queue', 0, 0)[1]
if not next then return false end
local key = p .. ':task:' .. next
redis.call('HSET', key, 'status', 'starting')
redis.call('HINCRBY', key, 'attempts', 1)
reindex(next, 'queued', 'starting')
return redis.call('HGETALL', key)
`;

/** ARGV: prefix, id, progress, info JSON ('' for none), the attempt the task must be on ('' for any). */
export const SET_PROGRESS = `
local key = ARGV[1] .. ':task:' .. ARGV[2]
local status, attempts = unpack(redis.call('HMGET', key, 'status', 'attempts'))
if status ~= 'running' and status ~= 'paused' then return 0 end
if ARGV[5] ~= '' and attempts ~= ARGV[5] then return 0 end
redis.call('HSET', key, 'progress', ARGV[3])
if ARGV[4] == '' then redis.call('HDEL', key, 'progress_info') else redis.call('HSET', key, 'progress_info', ARGV[4]) end
return 1
`;

/** Deletes up to ARGV[3] tasks that finished before ARGV[2] (ms). Returns how many. */
export const PRUNE = `${PRELUDE}
local ids = redis.call('ZRANGEBYSCORE', p .. ':finished', '-inf', '(' .. ARGV[2], 'LIMIT', 0, tonumber(ARGV[3]))
for _, id in ipairs(ids) do
  local key = p .. ':task:' .. id
  local status, ttype = unpack(redis.call('HMGET', key, 'status', 'task_type'))
  if status then
    redis.call('ZREM', p .. ':status:' .. status, id)
    redis.call('ZREM', p .. ':status-type:' .. status .. ':' .. ttype, id)
    redis.call('ZREM', p .. ':type:' .. ttype, id)
    redis.call('ZREM', p .. ':all', id)
    redis.call('DEL', key)
  end
  redis.call('ZREM', p .. ':finished', id)
end
return #ids
`;
