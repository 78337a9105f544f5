-- The register of agencies that owe a report besides the governments of the division reference (issue 16 item 1):
-- departments and other bodies, each with the first and last year it must report (agencies are created and
-- dissolved). A row comes from the register (PUT /v1/agencies/{creditCode}, POST /v1/agencies/batch) or is learned
-- from an accepted report of an agency nobody registered (source 'report'). Every change is audited.

CREATE TABLE agencies (
    credit_code    text        PRIMARY KEY CONSTRAINT agencies_credit_code CHECK (credit_code ~ '^[0-9A-HJ-NP-RTUW-Y]{18}$'),
    name           text        NOT NULL,
    region_code    text        COLLATE "C" NOT NULL,
    level          text        NOT NULL CONSTRAINT agencies_level CHECK (level IN ('national', 'province', 'city', 'county', 'township')),
    kind           text        NOT NULL CONSTRAINT agencies_kind CHECK (kind IN ('department', 'other')),
    first_year     integer     NOT NULL,
    last_year      integer,
    source         text        NOT NULL CONSTRAINT agencies_source CHECK (source IN ('register', 'report')),
    version        integer     NOT NULL,
    changed_at     timestamptz NOT NULL,
    changed_by     text,
    changed_client text,
    CONSTRAINT agencies_years CHECK (last_year IS NULL OR first_year <= last_year)
);
CREATE INDEX agencies_region ON agencies (region_code);

-- Every version of every agency row, append-only: who (token subject), which client, when, and what it became.
CREATE TABLE agency_events (
    id             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    recorded_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    operation      text        NOT NULL,
    credit_code    text        NOT NULL,
    version        integer     NOT NULL,
    name           text        NOT NULL,
    region_code    text        NOT NULL,
    level          text        NOT NULL,
    kind           text        NOT NULL,
    first_year     integer     NOT NULL,
    last_year      integer,
    source         text        NOT NULL,
    changed_by     text,
    changed_client text,
    changed_at     timestamptz NOT NULL
);
CREATE INDEX agency_events_agency ON agency_events (credit_code, id);

-- Audited by the database, whatever the code path: register, replace, dissolve (a lastYear), learn, delete.
CREATE FUNCTION audit_agencies() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r agencies;
BEGIN
    IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
    INSERT INTO agency_events (operation, credit_code, version, name, region_code, level, kind, first_year, last_year, source,
                               changed_by, changed_client, changed_at)
    VALUES (CASE WHEN TG_OP = 'DELETE' THEN 'delete'
                 WHEN r.source = 'report' THEN 'learn'
                 WHEN TG_OP = 'INSERT' THEN 'register'
                 ELSE 'replace' END,
            r.credit_code, r.version, r.name, r.region_code, r.level, r.kind, r.first_year, r.last_year, r.source,
            r.changed_by, r.changed_client, r.changed_at);
    RETURN NULL;
END
$$;
CREATE TRIGGER agencies_audit AFTER INSERT OR UPDATE OR DELETE ON agencies
    FOR EACH ROW EXECUTE FUNCTION audit_agencies();
CREATE TRIGGER agency_events_append_only BEFORE UPDATE OR DELETE ON agency_events
    FOR EACH ROW EXECUTE FUNCTION refuse_rewrite();

-- A report of a department or other body nobody registered makes the agency known, in the transaction that stores
-- the report, by every write path (a submission, a group commit, a COPY import): expected from the report's year
-- on, with no last year. A later report for an earlier year moves a learned agency's first year back; a
-- registered row is the supervisor's and is never changed by a report.
CREATE FUNCTION learn_agencies() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO agencies (credit_code, name, region_code, level, kind, first_year, last_year, source, version,
                          changed_at, changed_by, changed_client)
    SELECT DISTINCT ON (r.credit_code) r.credit_code, r.agency_name, r.region_code, r.level, r.kind, r.year, NULL, 'report', 1,
           n.submitted_at, n.submitted_by, n.submitted_client
    FROM new_revisions n JOIN reports r ON r.id = n.report_id
    WHERE r.kind <> 'government' AND r.scope = 'agency'
    ORDER BY r.credit_code, r.year
    ON CONFLICT (credit_code) DO UPDATE
        SET first_year = excluded.first_year, version = agencies.version + 1,
            changed_at = excluded.changed_at, changed_by = excluded.changed_by, changed_client = excluded.changed_client
        WHERE agencies.source = 'report' AND excluded.first_year < agencies.first_year;
    RETURN NULL;
END
$$;
CREATE TRIGGER report_revisions_learn_agencies AFTER INSERT ON report_revisions
    REFERENCING NEW TABLE AS new_revisions FOR EACH STATEMENT EXECUTE FUNCTION learn_agencies();
