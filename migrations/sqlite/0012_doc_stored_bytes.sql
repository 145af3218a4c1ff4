-- Versions count toward quota: `stored_bytes` is the sum of the sizes of every version a file
-- keeps (the current content is its latest version), and `doc_usage` now sums it instead of
-- the current size. Indexes on the blob digests let the blob cleanup ask whether anything
-- still refers to a blob.
ALTER TABLE doc_nodes ADD COLUMN stored_bytes BIGINT NOT NULL DEFAULT 0;
UPDATE doc_nodes SET stored_bytes = COALESCE((SELECT SUM(v.size) FROM doc_versions v WHERE v.node_id = doc_nodes.id), 0);

CREATE INDEX doc_versions_blob ON doc_versions(blob_sha256);
CREATE INDEX doc_nodes_blob ON doc_nodes(blob_sha256);

DROP TRIGGER doc_usage_insert;
DROP TRIGGER doc_usage_delete;
DROP TRIGGER doc_usage_update;
DELETE FROM doc_usage;

INSERT INTO doc_usage (root, used_bytes)
SELECT CASE WHEN substr(path, 1, 7) = 'shared/' THEN 'shared'
            ELSE substr(path, 1, instr(path, '/') + instr(substr(path, instr(path, '/') + 1), '/') - 1) END,
       SUM(stored_bytes)
FROM doc_nodes WHERE stored_bytes <> 0 AND instr(path, '/') > 0 GROUP BY 1;

CREATE TRIGGER doc_usage_insert AFTER INSERT ON doc_nodes WHEN NEW.stored_bytes <> 0 BEGIN
    INSERT INTO doc_usage (root, used_bytes) VALUES (
        CASE WHEN substr(NEW.path, 1, 7) = 'shared/' THEN 'shared'
             ELSE substr(NEW.path, 1, instr(NEW.path, '/') + instr(substr(NEW.path, instr(NEW.path, '/') + 1), '/') - 1) END,
        NEW.stored_bytes)
    ON CONFLICT (root) DO UPDATE SET used_bytes = used_bytes + excluded.used_bytes;
END;

CREATE TRIGGER doc_usage_delete AFTER DELETE ON doc_nodes WHEN OLD.stored_bytes <> 0 BEGIN
    UPDATE doc_usage SET used_bytes = used_bytes - OLD.stored_bytes
    WHERE root = CASE WHEN substr(OLD.path, 1, 7) = 'shared/' THEN 'shared'
                      ELSE substr(OLD.path, 1, instr(OLD.path, '/') + instr(substr(OLD.path, instr(OLD.path, '/') + 1), '/') - 1) END;
END;

CREATE TRIGGER doc_usage_update AFTER UPDATE OF path, stored_bytes ON doc_nodes
WHEN OLD.stored_bytes <> NEW.stored_bytes OR (OLD.path <> NEW.path AND NEW.stored_bytes <> 0) BEGIN
    UPDATE doc_usage SET used_bytes = used_bytes - OLD.stored_bytes
    WHERE root = CASE WHEN substr(OLD.path, 1, 7) = 'shared/' THEN 'shared'
                      ELSE substr(OLD.path, 1, instr(OLD.path, '/') + instr(substr(OLD.path, instr(OLD.path, '/') + 1), '/') - 1) END;
    INSERT INTO doc_usage (root, used_bytes) VALUES (
        CASE WHEN substr(NEW.path, 1, 7) = 'shared/' THEN 'shared'
             ELSE substr(NEW.path, 1, instr(NEW.path, '/') + instr(substr(NEW.path, instr(NEW.path, '/') + 1), '/') - 1) END,
        NEW.stored_bytes)
    ON CONFLICT (root) DO UPDATE SET used_bytes = used_bytes + excluded.used_bytes;
END;
