-- The hot-path functions plan their statements once per session and keep those plans (a generic
-- plan). PostgreSQL's default makes a fresh plan for every call while that looks cheaper than the
-- generic one, which it does for the small batches of a quiet server or of each of several
-- instances: planning the send statement then cost 60 % of its backend's CPU, 1.3 ms for a one-message
-- call against 0.4 ms with the kept plan (pgbench, 1,000 conversations). The plans do not depend on
-- the batch's size (enable_seqscan is off, joins are by hash or index): batches of 50 and 400 cost
-- the same either way.
ALTER FUNCTION parley_send(uuid[], uuid[], uuid[], text[], bigint[], bigint[], boolean[], jsonb[], timestamptz)
  SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION parley_ack(uuid[], uuid[], bigint[], bigint[], timestamptz)
  SET plan_cache_mode = force_generic_plan;
