-- Aggregates: a change counter for ETags, and indexes for the filters dashboards use.
-- report_changes is advanced after every committed write (and once at start-up, in case a process died
-- between a commit and its advance), so an aggregate's ETag changes whenever its data may have.
CREATE SEQUENCE report_changes;

CREATE INDEX ix_reports_scope_year_region ON reports (scope, year, region_code text_pattern_ops) INCLUDE (id, current_revision, level, kind, format);
