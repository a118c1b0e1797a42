-- Schema version 2: a report of a short period over every sensor asks the
-- hourly tables for a range of hours (WHERE hour >= … AND hour < …);
-- their keys lead with the sensor, which PostgreSQL 15 cannot skip, so
-- such a query read its whole month partitions. A BRIN index on hour
-- (rows arrive in hour order, a few pages per range: a few kB a month)
-- lets it read only the blocks of those hours. Made on the parents, so
-- every partition, old and new (ensure_day attaches them), has one.

DO $$
DECLARE
	s text;
BEGIN
	FOREACH s IN ARRAY ARRAY['totals', 'ports', 'countries', 'port_countries', 'sources',
				 'backscatter', 'tags'] LOOP
		EXECUTE format('CREATE INDEX %I ON telescope.%I USING brin (hour)',
			       s || '_hour_brin', s || '_hour');
	END LOOP;
END $$;
