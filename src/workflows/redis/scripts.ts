// Lua scripts of the Redis workflow store. Every lease check compares the lease key's value
// with the caller's fencing token inside the script, so check-and-write is atomic.

const FINAL = `local function final(st) return st == false or st == nil or st == 'completed' or st == 'failed' or st == 'cancelled' end
`;

/** KEYS: run, due. ARGV: runId, workflow, input, parent, now. → {created, hash...} */
export const CREATE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return {0, redis.call('HGETALL', KEYS[1])} end
redis.call('HSET', KEYS[1], 'runId', ARGV[1], 'workflow', ARGV[2], 'status', 'pending', 'input', ARGV[3],
  'parent', ARGV[4], 'cancel', '0', 'executions', 0, 'createdAt', ARGV[5], 'updatedAt', ARGV[5], 'token', 0)
redis.call('ZADD', KEYS[2], ARGV[5], ARGV[1])
return {1, redis.call('HGETALL', KEYS[1])}
`;

const CLAIM_FN = `${FINAL}
local function claim(runKey, leaseKey, dueKey, runId, owner, now, leaseMs)
  if final(redis.call('HGET', runKey, 'status')) then return false end
  local due = redis.call('ZSCORE', dueKey, runId)
  if not due or tonumber(due) > tonumber(now) then return false end
  local token = tonumber(redis.call('HGET', runKey, 'token') or '0') + 1
  if not redis.call('SET', leaseKey, token, 'NX', 'PX', leaseMs) then return false end
  redis.call('HSET', runKey, 'token', token, 'owner', owner, 'status', 'running', 'updatedAt', now, 'wakeAt', '')
  redis.call('HINCRBY', runKey, 'executions', 1)
  redis.call('ZADD', dueKey, tonumber(now) + tonumber(leaseMs), runId)
  return {token, redis.call('HGETALL', runKey)}
end
`;

/** KEYS: run, lease, due. ARGV: runId, owner, now, leaseMs. → {token, hash} | nil */
export const CLAIM = `${CLAIM_FN}
return claim(KEYS[1], KEYS[2], KEYS[3], ARGV[1], ARGV[2], ARGV[3], ARGV[4])
`;

/** KEYS: due. ARGV: prefix, owner, now, leaseMs, limit, workflow names... → {{token, hash}...} */
export const CLAIM_DUE = `${CLAIM_FN}
local names = {}
for i = 6, #ARGV do names[ARGV[i]] = true end
local limit = tonumber(ARGV[5])
local out = {}
local candidates = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[3], 'LIMIT', 0, limit * 4 + 20)
for _, runId in ipairs(candidates) do
  if #out >= limit then break end
  local runKey = ARGV[1] .. ':run:' .. runId
  if names[redis.call('HGET', runKey, 'workflow') or ''] then
    local got = claim(runKey, ARGV[1] .. ':lease:' .. runId, KEYS[1], runId, ARGV[2], ARGV[3], ARGV[4])
    if got then table.insert(out, got) end
  end
end
return out
`;

/** KEYS: lease, run, due. ARGV: token, leaseMs, now, runId. → {ok, cancel} */
export const RENEW = `
local cancel = redis.call('HGET', KEYS[2], 'cancel') or '0'
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return {0, cancel} end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[3], tonumber(ARGV[3]) + tonumber(ARGV[2]), ARGV[4])
return {1, cancel}
`;

/** KEYS: lease, steps, order, waiters(type), types. ARGV: token, stepId, json, state, type, member, waiter. */
export const SAVE_STEP = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
local prev = redis.call('HGET', KEYS[2], ARGV[2])
if prev then
  if string.find(prev, '"state":"completed"', 1, true) or string.find(prev, '"state":"failed"', 1, true) then return 0 end
else
  redis.call('RPUSH', KEYS[3], ARGV[2])
end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
if ARGV[5] ~= '' then
  if ARGV[4] == 'waiting' then
    redis.call('HSET', KEYS[4], ARGV[6], ARGV[7])
    redis.call('SADD', KEYS[5], ARGV[5])
  else
    redis.call('HDEL', KEYS[4], ARGV[6])
    if redis.call('HLEN', KEYS[4]) == 0 then redis.call('SREM', KEYS[5], ARGV[5]) end
  end
end
return 1
`;

/** KEYS: lease, run, due. ARGV: token, status, wakeAt ('' = none), now, runId. */
export const SUSPEND = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[2], 'status', ARGV[2], 'wakeAt', ARGV[3] == '' and 'null' or ARGV[3], 'updatedAt', ARGV[4], 'owner', '')
if redis.call('HGET', KEYS[2], 'cancel') == '1' then
  redis.call('ZADD', KEYS[3], ARGV[4], ARGV[5])
elseif ARGV[3] == '' then
  redis.call('ZREM', KEYS[3], ARGV[5])
else
  redis.call('ZADD', KEYS[3], ARGV[3], ARGV[5])
end
redis.call('DEL', KEYS[1])
return 1
`;

/** KEYS: lease, run, due, inboxes, steps, types. ARGV: token, status, output, error, now, runId, prefix. */
export const FINISH = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
for _, value in ipairs(redis.call('HVALS', KEYS[5])) do
  if string.find(value, '"state":"waiting"', 1, true) then
    local step = cjson.decode(value)
    if type(step.eventType) == 'string' then
      local waiters = ARGV[7] .. ':waiters:' .. step.eventType
      redis.call('HDEL', waiters, ARGV[6] .. '\\n' .. step.stepId)
      if redis.call('HLEN', waiters) == 0 then redis.call('SREM', KEYS[6], step.eventType) end
    end
  end
end
redis.call('HSET', KEYS[2], 'status', ARGV[2], 'output', ARGV[3], 'error', ARGV[4], 'updatedAt', ARGV[5], 'wakeAt', '', 'owner', '')
redis.call('ZREM', KEYS[3], ARGV[6])
for _, key in ipairs(redis.call('SMEMBERS', KEYS[4])) do redis.call('DEL', key) end
redis.call('DEL', KEYS[4], KEYS[1])
return 1
`;

const WAKE_FN = `
local function wake(dueKey, runId, now)
  local current = redis.call('ZSCORE', dueKey, runId)
  if not current or tonumber(current) > tonumber(now) then redis.call('ZADD', dueKey, now, runId) end
end
`;

/** KEYS: run, due. ARGV: now, runId. → hash | nil */
export const CANCEL = `${FINAL}${WAKE_FN}
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
if not final(redis.call('HGET', KEYS[1], 'status')) then
  redis.call('HSET', KEYS[1], 'cancel', '1', 'updatedAt', ARGV[1])
  wake(KEYS[2], ARGV[2], ARGV[1])
end
return redis.call('HGETALL', KEYS[1])
`;

/** KEYS: run, due. ARGV: now, runId. */
export const WAKE = `${FINAL}${WAKE_FN}
if not final(redis.call('HGET', KEYS[1], 'status')) then wake(KEYS[2], ARGV[2], ARGV[1]) end
return 1
`;

/** KEYS: run, inbox, due, inboxes. ARGV: event, now, runId, limit. */
export const DELIVER = `${FINAL}${WAKE_FN}
if final(redis.call('HGET', KEYS[1], 'status')) then return 0 end
if redis.call('LLEN', KEYS[2]) < tonumber(ARGV[4]) then redis.call('RPUSH', KEYS[2], ARGV[1]) end
redis.call('SADD', KEYS[4], KEYS[2])
wake(KEYS[3], ARGV[3], ARGV[2])
return 1
`;
