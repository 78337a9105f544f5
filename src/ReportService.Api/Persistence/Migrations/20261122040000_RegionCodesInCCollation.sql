-- Region codes are ASCII digits compared as prefixes (code >= '14' AND code < '15', or '14:' for a
-- prefix ending in 9): that is only right in byte order. Databases created with a language collation
-- (en_US.UTF-8, zh_CN.UTF-8) may order punctuation differently, so the columns use the "C" collation,
-- and their indexes are rebuilt with it.
ALTER TABLE reports ALTER COLUMN region_code TYPE text COLLATE "C";
ALTER TABLE aggregate_rollups ALTER COLUMN region_code TYPE text COLLATE "C";
ALTER TABLE regions ALTER COLUMN code TYPE text COLLATE "C";
ALTER TABLE regions ALTER COLUMN parent_code TYPE text COLLATE "C";
