-- A learned agency (source 'report': nobody registered it) follows its reports (ADR 15): its name, region, level and
-- kind are those of its report of the latest year, as that report is now, and its first year is its earliest
-- report's. Before, only a report for an earlier year changed a learned row (its first year back), so a correction
-- that renamed or moved the agency, or a later year's report under a new name, left the register stale. A registered
-- row (source 'register') is the supervising office's: no report changes it.

-- What an agency's reports say of it now: the fields of its latest year's report and its earliest year.
CREATE FUNCTION agencies_as_reported(codes text[])
RETURNS TABLE (credit_code text, name text, region_code text, level text, kind text, first_year integer)
LANGUAGE sql STABLE AS $$
    SELECT c.code, latest.agency_name, latest.region_code, latest.level, latest.kind, earliest.year
    FROM unnest(codes) AS c (code)
    CROSS JOIN LATERAL (
        SELECT r.agency_name, r.region_code, r.level, r.kind FROM reports r
        WHERE r.credit_code = c.code AND r.scope = 'agency' AND r.kind <> 'government'
        ORDER BY r.year DESC LIMIT 1) latest
    CROSS JOIN LATERAL (
        SELECT min(r.year) AS year FROM reports r
        WHERE r.credit_code = c.code AND r.scope = 'agency' AND r.kind <> 'government') earliest
$$;

-- Learns and follows the departments and other bodies of these reports, in the transaction that writes them; who
-- and when are those of each agency's latest-year report's current revision (skipped while that revision is not
-- yet written: the trigger of its insert comes).
CREATE FUNCTION learn_agencies_of(ids uuid[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    codes text[];
    ats timestamptz[];
    bys text[];
    clients text[];
BEGIN
    SELECT array_agg(w.credit_code ORDER BY w.credit_code), array_agg(w.submitted_at ORDER BY w.credit_code),
           array_agg(w.submitted_by ORDER BY w.credit_code), array_agg(w.submitted_client ORDER BY w.credit_code)
    INTO codes, ats, bys, clients
    FROM (SELECT DISTINCT ON (r.credit_code) r.credit_code::text AS credit_code, v.submitted_at, v.submitted_by, v.submitted_client
          FROM reports r JOIN report_revisions v ON v.report_id = r.id AND v.revision = r.current_revision
          WHERE r.id = ANY (ids) AND r.kind <> 'government' AND r.scope = 'agency'
          ORDER BY r.credit_code, r.year DESC) w;
    IF codes IS NULL THEN
        RETURN;
    END IF;

    -- An agency nobody knew is learned, in credit-code order (as the register locks and inserts, to keep deadlocks rare).
    INSERT INTO agencies (credit_code, name, region_code, level, kind, first_year, last_year, source, version,
                          changed_at, changed_by, changed_client)
    SELECT f.credit_code, f.name, f.region_code, f.level, f.kind, f.first_year, NULL, 'report', 1, w.at, w.by, w.client
    FROM agencies_as_reported(codes) f
    JOIN unnest(codes, ats, bys, clients) AS w (code, at, by, client) ON w.code = f.credit_code
    ORDER BY f.credit_code
    ON CONFLICT (credit_code) DO NOTHING;

    -- A learned agency known before follows its reports. Its row is locked first: the update's snapshot is then taken
    -- after any concurrent writer of the same agency committed, so whoever commits last leaves the row as its reports
    -- are then; a PUT that registered it meanwhile wins (the row is no longer learned).
    PERFORM 1 FROM agencies WHERE credit_code = ANY (codes) AND source = 'report' ORDER BY credit_code FOR UPDATE;
    UPDATE agencies a
    SET name = f.name, region_code = f.region_code, level = f.level, kind = f.kind,
        first_year = least(a.first_year, f.first_year), version = a.version + 1,
        changed_at = w.at, changed_by = w.by, changed_client = w.client
    FROM agencies_as_reported(codes) f
    JOIN unnest(codes, ats, bys, clients) AS w (code, at, by, client) ON w.code = f.credit_code
    WHERE a.credit_code = f.credit_code AND a.source = 'report'
      AND (a.name, a.region_code, a.level, a.kind, a.first_year)
          IS DISTINCT FROM (f.name, f.region_code, f.level, f.kind, least(a.first_year, f.first_year));
END
$$;

-- Every write path inserts revisions (a submission, a group commit, the COPY import, a correction): the register is
-- kept in the transaction that writes the report, as before.
CREATE OR REPLACE FUNCTION learn_agencies() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM learn_agencies_of(ARRAY(SELECT report_id FROM new_revisions));
    RETURN NULL;
END
$$;

-- A correction also updates the report's row, and EF Core writes that update after the revision's insert: the
-- revision's trigger still read the old agency fields. So a change of the agency's fields on the report's row is
-- followed too (whichever order the two statements come in, one of the two triggers sees both).
CREATE FUNCTION follow_corrected_agencies() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM learn_agencies_of(ARRAY(
        SELECT n.id FROM new_reports n JOIN old_reports o ON o.id = n.id
        WHERE (n.agency_name, n.region_code, n.level, n.kind) IS DISTINCT FROM (o.agency_name, o.region_code, o.level, o.kind)));
    RETURN NULL;
END
$$;
CREATE TRIGGER reports_follow_agencies AFTER UPDATE ON reports
    REFERENCING OLD TABLE AS old_reports NEW TABLE AS new_reports FOR EACH STATEMENT EXECUTE FUNCTION follow_corrected_agencies();
