-- Schema version 3: locks that no other role can take, and partitions a
-- sensor's role may make only around today.
--
-- Version 1 serialised loaders with advisory locks on fixed keys (one
-- per (sensor, day, series), one for making partitions); any role that
-- can connect may take any advisory key, so a reader holding one stalled
-- every ship. Here a loader locks a row of telescope.file_lock, which
-- only the writing roles may lock, each only the rows of sensors it may
-- write (row-level security); partitions are made under a table lock on
-- telescope.day_made, which no login role has any privilege on.
--
-- ensure_day also checks, as version 1 did not, that the day's tables
-- are attached: a prune that has detached them (db prune) is said as
-- `object_in_use` (55006), which ship retries until the prune has dropped
-- them and it can make them anew. And a sensor's role may make the
-- partitions of the last 400 days up to the day after tomorrow only (the
-- loader's role and the owner from 2000-01-01), so that it cannot make
-- tens of thousands of tables of days long past.

-- One row per (sensor, day, series): the loader's transaction upserts it
-- (a row lock until it commits) before it reads a file's position, so two
-- ships never load the same file, nor the same hours of its aggregate
-- (both forms, .csv and .csv.gz, share the row), at the same time.
CREATE TABLE telescope.file_lock (
	sensor smallint NOT NULL,
	day date NOT NULL,
	series text NOT NULL,
	taken_at timestamptz NOT NULL DEFAULT now(),	-- the last load's
	taken_by name NOT NULL DEFAULT current_user,
	PRIMARY KEY (sensor, day, series)
);
GRANT SELECT, INSERT (sensor, day, series), UPDATE (taken_at, taken_by)
	ON telescope.file_lock TO telescope_sensor, telescope_loader;
ALTER TABLE telescope.file_lock ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_sensor ON telescope.file_lock FOR ALL TO telescope_sensor
	USING (sensor IN (SELECT id FROM telescope.sensor WHERE writer = current_user))
	WITH CHECK (sensor IN (SELECT id FROM telescope.sensor WHERE writer = current_user));
CREATE POLICY any_sensor ON telescope.file_lock FOR ALL TO telescope_loader
	USING (true) WITH CHECK (true);

-- The days whose partitions ensure_day made (again after a prune), and
-- by whom; its table lock is the one maker of partitions at a time.
CREATE TABLE telescope.day_made (
	day date PRIMARY KEY,
	made_at timestamptz NOT NULL DEFAULT now(),
	made_by name NOT NULL DEFAULT session_user
);

CREATE OR REPLACE FUNCTION telescope.ensure_day(d date) RETURNS void
	LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, telescope AS $$
DECLARE
	series text[] := ARRAY['totals', 'ports', 'countries', 'port_countries', 'sources',
			       'backscatter', 'tags'];
	s text;
	part text;
	m date := date_trunc('month', d)::date;
	today date := (now() AT TIME ZONE 'UTC')::date;
	oldest date := date '2000-01-01';
	made boolean := false;
BEGIN
	-- SECURITY DEFINER: current_user is the owner here, the login role
	-- that called is session_user
	IF NOT (pg_has_role(session_user, 'telescope_loader', 'MEMBER') OR
		pg_has_role(session_user, (SELECT nspowner FROM pg_namespace
					   WHERE nspname = 'telescope'), 'MEMBER')) THEN
		oldest := today - 400;
	END IF;
	IF d < oldest OR d > today + 2 THEN
		RAISE EXCEPTION 'day % is out of range for role %: % to % (the day after tomorrow)',
			d, session_user, oldest, today + 2
			USING ERRCODE = 'datetime_field_overflow';
	END IF;
	-- the usual case, every day ship loads: all there, attached
	IF (SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
	    WHERE c.relnamespace = 'telescope'::regnamespace AND NOT i.inhdetachpending
	    AND c.relname IN (SELECT x || to_char(d, '"_d"YYYYMMDD') FROM unnest(series) x
			      UNION ALL
			      SELECT x || to_char(m, '"_hour_m"YYYYMM') FROM unnest(series) x))
	   = 2 * cardinality(series) THEN
		RETURN;
	END IF;
	LOCK TABLE telescope.day_made IN SHARE ROW EXCLUSIVE MODE;	-- one maker at a time
	FOREACH s IN ARRAY series LOOP
		part := s || to_char(d, '"_d"YYYYMMDD');
		IF to_regclass('telescope.' || part) IS NULL THEN
			EXECUTE format('CREATE TABLE telescope.%I (LIKE telescope.%I)', part, s);
			EXECUTE format('ALTER TABLE telescope.%I ATTACH PARTITION telescope.%I '
				       'FOR VALUES FROM (%L) TO (%L)', s, part,
				       d || ' 00:00:00+00', d + 1 || ' 00:00:00+00');
			made := true;
		ELSIF NOT EXISTS (SELECT FROM pg_inherits
				  WHERE inhrelid = ('telescope.' || part)::regclass
				  AND NOT inhdetachpending) THEN
			RAISE EXCEPTION 'the minute tables of % are being pruned (db prune; one '
				'that was stopped is finished by the next)', d
				USING ERRCODE = 'object_in_use';
		END IF;
		part := s || to_char(m, '"_hour_m"YYYYMM');
		IF to_regclass('telescope.' || part) IS NULL THEN
			EXECUTE format('CREATE TABLE telescope.%I (LIKE telescope.%I)', part,
				       s || '_hour');
			EXECUTE format('ALTER TABLE telescope.%I ATTACH PARTITION telescope.%I '
				       'FOR VALUES FROM (%L) TO (%L)', s || '_hour', part,
				       m || ' 00:00:00+00',
				       (m + interval '1 month')::date || ' 00:00:00+00');
			made := true;
		END IF;
	END LOOP;
	IF made THEN
		INSERT INTO day_made (day) VALUES (d)
			ON CONFLICT (day) DO UPDATE SET made_at = now(), made_by = session_user;
	END IF;
END $$;
