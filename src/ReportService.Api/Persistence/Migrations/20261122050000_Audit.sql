-- Who wrote each revision, and an append-only audit trail of every accepted write (issue 6, ADR 6).

ALTER TABLE report_revisions
    ADD COLUMN submitted_client text,
    ADD COLUMN operation text NOT NULL DEFAULT 'submit';
UPDATE report_revisions SET operation = 'correct' WHERE revision > 1;
ALTER TABLE report_revisions
    ALTER COLUMN operation DROP DEFAULT,
    ADD CONSTRAINT report_revisions_operation CHECK (operation IN ('submit', 'correct', 'import'));

CREATE TABLE audit_events (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    recorded_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    operation     text        NOT NULL,
    report_id     uuid        NOT NULL,
    revision      integer     NOT NULL,
    subject       text,
    client        text,
    content_hash  text        NOT NULL,
    submitted_at  timestamptz NOT NULL
);
CREATE INDEX audit_events_report ON audit_events (report_id, revision);

-- Revisions stored before this migration enter the trail with what is known of them.
INSERT INTO audit_events (recorded_at, operation, report_id, revision, subject, client, content_hash, submitted_at)
SELECT submitted_at, operation, report_id, revision, submitted_by, submitted_client, content_hash, submitted_at
FROM report_revisions ORDER BY submitted_at, report_id, revision;

-- Every revision inserted, by any code path (single writes, COPY-based imports, hand-made SQL), is audited in
-- the same transaction: one statement-level insert per statement, not a row-level trigger call per row.
CREATE FUNCTION audit_revisions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO audit_events (operation, report_id, revision, subject, client, content_hash, submitted_at)
    SELECT operation, report_id, revision, submitted_by, submitted_client, content_hash, submitted_at FROM new_revisions;
    RETURN NULL;
END
$$;
CREATE TRIGGER report_revisions_audit AFTER INSERT ON report_revisions
    REFERENCING NEW TABLE AS new_revisions FOR EACH STATEMENT EXECUTE FUNCTION audit_revisions();

-- Revisions and the audit trail are append-only: updates and deletes fail, whoever sends them.
CREATE FUNCTION refuse_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION refuse_rewrite();
CREATE TRIGGER report_revisions_append_only BEFORE UPDATE OR DELETE ON report_revisions
    FOR EACH ROW EXECUTE FUNCTION refuse_rewrite();
