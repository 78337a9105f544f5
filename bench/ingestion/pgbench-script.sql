-- Prints the pgbench script for the single-report baseline: one transaction per report with one `reports`
-- row and one `report_revisions` row, both copied from a row the service stored (same body jsonb, same
-- warnings, same 229 cell values); only the id and credit code differ, drawn from the sequence
-- pgbench_report_seq so that every transaction inserts a new identity. Run with psql -At.
WITH src AS (
    SELECT r AS rep, v AS rev
    FROM reports r JOIN report_revisions v ON v.report_id = r.id AND v.revision = 1
    ORDER BY r.credit_code LIMIT 1
),
report_cols AS (
    SELECT c.column_name::text AS name, c.ordinal_position AS pos
    FROM information_schema.columns c
    WHERE c.table_schema = 'public' AND c.table_name = 'reports' AND c.column_name NOT IN ('id', 'credit_code')
),
revision_cols AS (
    SELECT c.column_name::text AS name, c.ordinal_position AS pos
    FROM information_schema.columns c
    WHERE c.table_schema = 'public' AND c.table_name = 'report_revisions' AND c.column_name <> 'report_id'
)
SELECT
    'BEGIN \; '
    || 'INSERT INTO reports (id, credit_code, '
    || (SELECT string_agg(quote_ident(name), ', ' ORDER BY pos) FROM report_cols)
    || ') VALUES (md5(nextval(''pgbench_report_seq'')::text)::uuid, lpad(currval(''pgbench_report_seq'')::text, 18, ''0''), '
    || (SELECT string_agg(quote_nullable(to_jsonb(src.rep) ->> name), ', ' ORDER BY pos) FROM report_cols)
    || ') \; '
    || 'INSERT INTO report_revisions (report_id, '
    || (SELECT string_agg(quote_ident(name), ', ' ORDER BY pos) FROM revision_cols)
    || ') VALUES (md5(currval(''pgbench_report_seq'')::text)::uuid, '
    || (SELECT string_agg(quote_nullable(to_jsonb(src.rev) ->> name), ', ' ORDER BY pos) FROM revision_cols)
    || ') \; '
    || 'COMMIT;'
FROM src;
