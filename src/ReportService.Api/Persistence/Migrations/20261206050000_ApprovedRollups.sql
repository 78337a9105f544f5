-- The approved view of the aggregates (issue 16: reviewStatus=approved, DHIS2's "hide unapproved data"; ADR 17).
-- approved_rollups has the shape and key of aggregate_rollups and holds the sums of the current revisions of the
-- reports whose review status is approved. Only a review changes it, in its own transaction: an approval adds the
-- current revision, a return of an approved report takes it away (an approved report cannot be corrected, so its
-- current revision is the approved one). Submissions, corrections and imports never touch it: a new or corrected
-- revision is pending.
CREATE TABLE approved_rollups (LIKE aggregate_rollups INCLUDING ALL);

-- The change log (ADR 11) carries the approved view's deltas too, tagged, in the review's own transaction: cached
-- approved-only answers are brought forward by them exactly as the others are by the writes' rows.
ALTER TABLE aggregate_changes ADD COLUMN approved boolean NOT NULL DEFAULT false;

-- Backfill from the reports approved so far. The column list is read from aggregate_rollups so that it cannot
-- drift from the rollups' cell columns (each is named as in report_revisions).
DO $$
DECLARE
    cells text;
    sums text;
BEGIN
    SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position),
           string_agg(format('sum(coalesce(v.%I, 0))', column_name), ', ' ORDER BY ordinal_position)
    INTO cells, sums
    FROM information_schema.columns
    WHERE table_schema = current_schema() AND table_name = 'aggregate_rollups' AND column_name NOT IN
        ('grain', 'region_code', 'year', 'level', 'kind', 'scope', 'format', 'shard', 'report_count');
    EXECUTE format(
        'INSERT INTO approved_rollups (grain, region_code, year, level, kind, scope, format, shard, report_count, %s) '
        'SELECT g.grain, CASE WHEN length(r.region_code) > g.grain THEN left(r.region_code, g.grain) ELSE r.region_code END, '
        'r.year, r.level, r.kind, r.scope, r.format, abs(hashtext(r.id::text)) %% 8, count(*), %s '
        'FROM reports r JOIN report_revisions v ON v.report_id = r.id AND v.revision = r.current_revision '
        'CROSS JOIN (VALUES (2), (4), (6), (9)) AS g (grain) WHERE r.review_status = ''approved'' '
        'GROUP BY 1, 2, 3, 4, 5, 6, 7, 8', cells, sums);
END
$$;
