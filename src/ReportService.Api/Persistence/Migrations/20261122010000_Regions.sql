-- The division reference (统计用区划代码, 2023). Filled at start-up from the embedded divisions.tsv.gz
-- (RegionSeeder), so a regenerated reference reaches the database without a new migration.
CREATE TABLE regions (
    code text PRIMARY KEY CHECK (code ~ '^[0-9]{2}([0-9]{2}([0-9]{2}([0-9]{3})?)?)?$'),
    name text NOT NULL,
    level text NOT NULL CHECK (level IN ('province', 'city', 'county', 'township')),
    parent_code text REFERENCES regions (code) DEFERRABLE INITIALLY DEFERRED
);

CREATE INDEX ix_regions_parent ON regions (parent_code);
