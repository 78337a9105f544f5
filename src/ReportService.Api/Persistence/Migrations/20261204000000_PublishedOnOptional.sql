-- A report without a printed date is still a report (REPORT.PUBLISHED_ON_UNKNOWN says its date rules were not checked).
ALTER TABLE reports ALTER COLUMN published_on DROP NOT NULL;
