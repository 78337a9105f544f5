-- Completeness (ADR 18) keeps a per-process index of who must report and who has, brought forward by the aggregate
-- change log (ADR 11). Reports, corrections and reviews log their regions already; a change of the agencies register
-- changes who is expected without changing any rollup. Every statement that changes agency rows (a registration, a
-- bulk import, an agency learned from a report, a delete, a change by hand) logs, in its own transaction, one row
-- per region it touched (old and new region of a moved agency): the region, scope 'register' (no aggregate answer
-- has that scope, so answers skip the row at once), year 0, empty level, kind and format, count 0, no cells. Every
-- column is set as a report's row sets it, so that processes of the previous version read such a row too (and skip it).
CREATE FUNCTION log_agency_regions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO aggregate_changes (region_code, year, level, kind, scope, format, cells)
        SELECT DISTINCT region_code, 0, '', '', 'register', '', '{}'::numeric[] FROM new_agencies;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO aggregate_changes (region_code, year, level, kind, scope, format, cells)
        SELECT region_code, 0, '', '', 'register', '', '{}'::numeric[] FROM (SELECT region_code FROM new_agencies UNION SELECT region_code FROM old_agencies) AS touched;
    ELSE
        INSERT INTO aggregate_changes (region_code, year, level, kind, scope, format, cells)
        SELECT DISTINCT region_code, 0, '', '', 'register', '', '{}'::numeric[] FROM old_agencies;
    END IF;
    RETURN NULL;
END
$$;

-- A trigger with transition tables takes one event, hence three.
CREATE TRIGGER agencies_log_insert AFTER INSERT ON agencies
    REFERENCING NEW TABLE AS new_agencies FOR EACH STATEMENT EXECUTE FUNCTION log_agency_regions();
CREATE TRIGGER agencies_log_update AFTER UPDATE ON agencies
    REFERENCING OLD TABLE AS old_agencies NEW TABLE AS new_agencies FOR EACH STATEMENT EXECUTE FUNCTION log_agency_regions();
CREATE TRIGGER agencies_log_delete AFTER DELETE ON agencies
    REFERENCING OLD TABLE AS old_agencies FOR EACH STATEMENT EXECUTE FUNCTION log_agency_regions();
