-- Supervisors' review of reports (issue 16 item 3): a review status on each report, and every review event,
-- append-only and audited in the same transaction like a write.

ALTER TABLE reports
    ADD COLUMN review_status text NOT NULL DEFAULT 'pending'
        CONSTRAINT reports_review_status CHECK (review_status IN ('pending', 'approved', 'returned'));

CREATE TABLE report_reviews (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    report_id       uuid        NOT NULL REFERENCES reports (id),
    revision        integer     NOT NULL,
    decision        text        NOT NULL CONSTRAINT report_reviews_decision CHECK (decision IN ('approved', 'returned')),
    comment         text,
    reviewed_by     text,
    reviewed_client text,
    reviewed_at     timestamptz NOT NULL,
    FOREIGN KEY (report_id, revision) REFERENCES report_revisions (report_id, revision)
);
CREATE INDEX report_reviews_report ON report_reviews (report_id, id);

-- Every review event enters the audit trail with the revision it judged (its content hash), by any code path.
CREATE FUNCTION audit_reviews() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO audit_events (operation, report_id, revision, subject, client, content_hash, submitted_at)
    SELECT 'review:' || n.decision, n.report_id, n.revision, n.reviewed_by, n.reviewed_client, v.content_hash, n.reviewed_at
    FROM new_reviews n JOIN report_revisions v ON v.report_id = n.report_id AND v.revision = n.revision;
    RETURN NULL;
END
$$;
CREATE TRIGGER report_reviews_audit AFTER INSERT ON report_reviews
    REFERENCING NEW TABLE AS new_reviews FOR EACH STATEMENT EXECUTE FUNCTION audit_reviews();

-- Review events are history: never changed, never removed.
CREATE FUNCTION refuse_review_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'report_reviews is append-only';
END
$$;
CREATE TRIGGER report_reviews_append_only BEFORE UPDATE OR DELETE ON report_reviews
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_review_change();
