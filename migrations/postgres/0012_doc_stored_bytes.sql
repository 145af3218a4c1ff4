-- Versions count toward quota: `stored_bytes` is the sum of the sizes of every version a file
-- keeps (the current content is its latest version), and `doc_usage` now sums it instead of
-- the current size. Indexes on the blob digests let the blob cleanup ask whether anything
-- still refers to a blob.
ALTER TABLE doc_nodes ADD COLUMN stored_bytes BIGINT NOT NULL DEFAULT 0;
UPDATE doc_nodes SET stored_bytes = COALESCE((SELECT SUM(v.size) FROM doc_versions v WHERE v.node_id = doc_nodes.id), 0);

CREATE INDEX doc_versions_blob ON doc_versions(blob_sha256);
CREATE INDEX doc_nodes_blob ON doc_nodes(blob_sha256);

DROP TRIGGER doc_usage_track ON doc_nodes;
DELETE FROM doc_usage;
INSERT INTO doc_usage (root, used_bytes)
SELECT doc_root_of(path), SUM(stored_bytes) FROM doc_nodes
WHERE stored_bytes <> 0 AND strpos(path, '/') > 0 GROUP BY 1;

CREATE OR REPLACE FUNCTION doc_usage_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        IF OLD.stored_bytes <> 0 THEN
            UPDATE doc_usage SET used_bytes = used_bytes - OLD.stored_bytes WHERE root = doc_root_of(OLD.path);
        END IF;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        IF NEW.stored_bytes <> 0 THEN
            INSERT INTO doc_usage (root, used_bytes) VALUES (doc_root_of(NEW.path), NEW.stored_bytes)
            ON CONFLICT (root) DO UPDATE SET used_bytes = doc_usage.used_bytes + EXCLUDED.used_bytes;
        END IF;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER doc_usage_track AFTER INSERT OR DELETE OR UPDATE OF path, stored_bytes ON doc_nodes
FOR EACH ROW EXECUTE FUNCTION doc_usage_track();
