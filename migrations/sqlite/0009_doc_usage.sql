-- Bytes used per library root ("users/alice", "departments/sales", "shared"): the sum of
-- `size` over the nodes below it, kept by triggers in the transaction that changes a node, so
-- the quota check of every PUT reads one row instead of summing over the whole drive.
-- A node's root is the first two segments of its path ("shared" for the company library).
CREATE TABLE doc_usage (
    root TEXT PRIMARY KEY,
    used_bytes BIGINT NOT NULL
);

INSERT INTO doc_usage (root, used_bytes)
SELECT CASE WHEN substr(path, 1, 7) = 'shared/' THEN 'shared'
            ELSE substr(path, 1, instr(path, '/') + instr(substr(path, instr(path, '/') + 1), '/') - 1) END,
       SUM(size)
FROM doc_nodes WHERE size <> 0 AND instr(path, '/') > 0 GROUP BY 1;

CREATE TRIGGER doc_usage_insert AFTER INSERT ON doc_nodes WHEN NEW.size <> 0 BEGIN
    INSERT INTO doc_usage (root, used_bytes) VALUES (
        CASE WHEN substr(NEW.path, 1, 7) = 'shared/' THEN 'shared'
             ELSE substr(NEW.path, 1, instr(NEW.path, '/') + instr(substr(NEW.path, instr(NEW.path, '/') + 1), '/') - 1) END,
        NEW.size)
    ON CONFLICT (root) DO UPDATE SET used_bytes = used_bytes + excluded.used_bytes;
END;

CREATE TRIGGER doc_usage_delete AFTER DELETE ON doc_nodes WHEN OLD.size <> 0 BEGIN
    UPDATE doc_usage SET used_bytes = used_bytes - OLD.size
    WHERE root = CASE WHEN substr(OLD.path, 1, 7) = 'shared/' THEN 'shared'
                      ELSE substr(OLD.path, 1, instr(OLD.path, '/') + instr(substr(OLD.path, instr(OLD.path, '/') + 1), '/') - 1) END;
END;

CREATE TRIGGER doc_usage_update AFTER UPDATE OF path, size ON doc_nodes
WHEN OLD.size <> NEW.size OR (OLD.path <> NEW.path AND NEW.size <> 0) BEGIN
    UPDATE doc_usage SET used_bytes = used_bytes - OLD.size
    WHERE root = CASE WHEN substr(OLD.path, 1, 7) = 'shared/' THEN 'shared'
                      ELSE substr(OLD.path, 1, instr(OLD.path, '/') + instr(substr(OLD.path, instr(OLD.path, '/') + 1), '/') - 1) END;
    INSERT INTO doc_usage (root, used_bytes) VALUES (
        CASE WHEN substr(NEW.path, 1, 7) = 'shared/' THEN 'shared'
             ELSE substr(NEW.path, 1, instr(NEW.path, '/') + instr(substr(NEW.path, instr(NEW.path, '/') + 1), '/') - 1) END,
        NEW.size)
    ON CONFLICT (root) DO UPDATE SET used_bytes = used_bytes + excluded.used_bytes;
END;
