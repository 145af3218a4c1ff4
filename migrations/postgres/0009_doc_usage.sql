-- Bytes used per library root ("users/alice", "departments/sales", "shared"): the sum of
-- `size` over the nodes below it, kept by a trigger in the transaction that changes a node, so
-- the quota check of every PUT reads one row instead of summing over the whole drive.
-- A node's root is the first two segments of its path ("shared" for the company library).
CREATE TABLE doc_usage (
    root TEXT COLLATE "C" PRIMARY KEY,
    used_bytes BIGINT NOT NULL
);

CREATE FUNCTION doc_root_of(p TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN split_part(p, '/', 1) = 'shared' THEN 'shared'
                ELSE split_part(p, '/', 1) || '/' || split_part(p, '/', 2) END
$$;

INSERT INTO doc_usage (root, used_bytes)
SELECT doc_root_of(path), SUM(size) FROM doc_nodes WHERE size <> 0 AND strpos(path, '/') > 0 GROUP BY 1;

CREATE FUNCTION doc_usage_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        IF OLD.size <> 0 THEN
            UPDATE doc_usage SET used_bytes = used_bytes - OLD.size WHERE root = doc_root_of(OLD.path);
        END IF;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        IF NEW.size <> 0 THEN
            INSERT INTO doc_usage (root, used_bytes) VALUES (doc_root_of(NEW.path), NEW.size)
            ON CONFLICT (root) DO UPDATE SET used_bytes = doc_usage.used_bytes + EXCLUDED.used_bytes;
        END IF;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER doc_usage_track AFTER INSERT OR DELETE OR UPDATE OF path, size ON doc_nodes
FOR EACH ROW EXECUTE FUNCTION doc_usage_track();
