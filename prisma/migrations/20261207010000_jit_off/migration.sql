-- Parley's queries are short, and PostgreSQL's JIT compiler starts on any plan it estimates as costly:
-- the chat list's first page (10 ms to run) spent 1.1-1.3 s compiling now and then (bench/inbox.ts,
-- auto_explain: "JIT: Functions: 165 ... Total 1336 ms"). Off for every session of this database. A
-- role that may not alter the database leaves it as it was, with a warning (docs/operations.md).
DO $$
BEGIN
  EXECUTE format('ALTER DATABASE %I SET jit = off', current_database());
EXCEPTION WHEN insufficient_privilege THEN
  RAISE WARNING 'Parley could not turn JIT off for database %: run ALTER DATABASE ... SET jit = off as its owner (docs/operations.md)', current_database();
END $$;
