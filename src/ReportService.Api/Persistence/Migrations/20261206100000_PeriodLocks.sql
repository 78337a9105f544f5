-- Period locks set through the admin endpoint (issue 16 item 4; ADR 16): per report year, the last day (UTC+8) on
-- which its reports may be corrected freely. Stored here so that every replica of the service applies the same lock
-- at once; a row wins over the configuration's Review:PeriodLocks value for its year.
CREATE TABLE period_locks (
    year         integer     PRIMARY KEY CONSTRAINT period_locks_year CHECK (year BETWEEN 2019 AND 2100),
    locked_after date        NOT NULL,
    set_by       text,
    set_client   text,
    set_at       timestamptz NOT NULL
);

-- Every change of a lock (set, moved or removed), by whom and when; written in the same statement as the change.
CREATE TABLE period_lock_events (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    recorded_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    year           integer     NOT NULL,
    action         text        NOT NULL CONSTRAINT period_lock_events_action CHECK (action IN ('set', 'removed')),
    locked_after   date,
    previous       date,
    changed_by     text,
    changed_client text,
    changed_at     timestamptz NOT NULL
);
CREATE INDEX period_lock_events_year ON period_lock_events (year, id);

-- The events are history: never changed, never removed.
CREATE FUNCTION refuse_period_lock_event_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'period_lock_events is append-only';
END
$$;
CREATE TRIGGER period_lock_events_append_only BEFORE UPDATE OR DELETE ON period_lock_events
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_period_lock_event_change();
