-- The aggregate change log (ADR 11): every write that changes the rollups also inserts its rollup deltas here, in its
-- own transaction, at the finest grain (the report's exact region code; coarser grains are its prefixes). An
-- aggregate answer cached by a process is brought forward by the rows committed since the snapshot it reflects,
-- instead of being recomputed. Rows are found by transaction id: xid is the writing transaction's (all its rows
-- become visible at its commit), and a reader holding the snapshot of its last read takes exactly the rows
-- "not visible in that snapshot" (pg_visible_in_snapshot), so transactions that commit out of xid order are
-- neither skipped nor applied twice, and writers never wait for one another.
--
-- A row with region_code NULL is a reset: every process drops its cached answers (after a start-up, or after
-- rows were changed by hand: INSERT INTO aggregate_changes DEFAULT VALUES).
CREATE TABLE aggregate_changes (
    xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    region_code text COLLATE "C",
    year integer,
    level text,
    kind text,
    scope text,
    format text,
    report_count bigint NOT NULL DEFAULT 0,
    -- One delta per cell column, in the order of the rollup columns (CellColumns.All); a cell a format lacks is 0.
    cells numeric[]
);

CREATE INDEX aggregate_changes_xid ON aggregate_changes (xid);

-- Pruning (AggregateChangePruner): rows with xid below horizon are gone. A reader whose snapshot's xmin is below it
-- may have missed rows and drops its cached answers instead. The horizon moves in two steps: next_horizon is the
-- oldest running transaction when it was recorded (next_at); once the retention has passed it becomes the horizon,
-- so a row lives at least the retention, and a reader that read the log within it has missed nothing.
CREATE TABLE aggregate_change_horizon (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    horizon xid8 NOT NULL,
    next_horizon xid8 NOT NULL,
    next_at timestamptz NOT NULL
);

INSERT INTO aggregate_change_horizon (horizon, next_horizon, next_at)
SELECT '0'::xid8, pg_snapshot_xmin(pg_current_snapshot()), now();
