-- Schema version 4: the numbers the CSV may hold (docs/csv.md, "Numbers").
--
-- A count in the CSV is a whole number from 0 to 2^64 - 1 (the kernel's
-- counters are unsigned 64-bit, and `run` writes them as they are), and
-- an hourly aggregate adds many of them up. Versions 1 to 3 kept both in
-- bigint, which stops at 2^63 - 1: a row of 2^64 - 1 was refused, and two
-- rows that each fit but whose hour's sum did not made the whole file
-- fail ("bigint out of range"). Here every count of a minute table is a
-- telescope.count (numeric: a whole number from 0 to 2^64 - 1, checked by
-- the database too), every sum or maximum of an hourly table a numeric
-- (no sum of counts can pass what it holds), and `seconds` a bigint (1 to
-- 2^32 - 1). The rows per hour (`rows`) stay bigint.
--
-- Measured before choosing numeric: loading a synth fleet took the same
-- time as with bigint, and the tables were 6 % smaller (a numeric of a
-- few digits takes fewer than bigint's 8 bytes). The change rewrites every
-- table once, here, in db init's transaction (docs/fleet.md: how long).
--
-- A partition that a stopped prune left detached but not yet dropped
-- keeps its bigint columns: it is no longer part of its table, and the
-- next prune drops it (ensure_day makes that day's tables anew, of the
-- new types, LIKE their parent).

CREATE DOMAIN telescope.count AS numeric
	CHECK (VALUE >= 0 AND VALUE <= 18446744073709551615 AND scale(VALUE) = 0);
COMMENT ON DOMAIN telescope.count IS
	'a count of the CSV: a whole number from 0 to 2^64 - 1 (docs/csv.md)';

-- nsum() of version 1 for the numeric sums (the bigint one stays, for
-- seconds)
CREATE FUNCTION telescope.nsum(a numeric, b numeric) RETURNS numeric
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	RETURN CASE WHEN a IS NULL THEN b WHEN b IS NULL THEN a ELSE a + b END;

-- Every bigint column of the minute and hourly tables but `rows` (and
-- seconds, which becomes a bigint from an integer): one ALTER TABLE a
-- table, so each is rewritten once.
DO $$
DECLARE
	t record;
BEGIN
	FOR t IN
		SELECT c.relname, string_agg(format('ALTER %I TYPE %s', a.attname,
			CASE WHEN a.attname = 'seconds' THEN 'bigint'
			     WHEN c.relname LIKE '%\_hour' THEN 'numeric'
			     ELSE 'telescope.count' END), ', ' ORDER BY a.attnum) AS alter
		FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
		WHERE c.relnamespace = 'telescope'::regnamespace AND c.relkind = 'p'
		AND a.attnum > 0 AND NOT a.attisdropped
		AND ((a.atttypid = 'bigint'::regtype AND a.attname NOT IN ('rows', 'seconds'))
		     OR (a.atttypid = 'integer'::regtype AND a.attname = 'seconds'))
		GROUP BY c.relname
	LOOP
		EXECUTE format('ALTER TABLE telescope.%I %s', t.relname, t.alter);
	END LOOP;
END $$;
