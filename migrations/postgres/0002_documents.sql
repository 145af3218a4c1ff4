-- The document library: a tree of folders and files keyed by path, every saved version,
-- dead properties, WebDAV locks and folder grants.
-- `path` is the decoded, NFC-normalised path below /docs/ without leading or trailing
-- slash ("shared/Reports/q1.xlsx"); `parent` is the path of its folder ("" for roots).
ALTER TABLE departments ADD COLUMN slug TEXT;
CREATE UNIQUE INDEX departments_slug ON departments(slug);

CREATE TABLE doc_nodes (
    id BIGSERIAL PRIMARY KEY,
    path TEXT COLLATE "C" NOT NULL UNIQUE,
    parent TEXT COLLATE "C" NOT NULL,
    name TEXT NOT NULL,
    is_collection BIGINT NOT NULL,
    blob_sha256 TEXT,
    size BIGINT NOT NULL DEFAULT 0,
    content_type TEXT,
    etag TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    modified_at BIGINT NOT NULL
);
CREATE INDEX doc_nodes_parent ON doc_nodes(parent);

CREATE TABLE doc_versions (
    node_id BIGINT NOT NULL REFERENCES doc_nodes(id) ON DELETE CASCADE,
    version BIGINT NOT NULL,
    blob_sha256 TEXT NOT NULL,
    size BIGINT NOT NULL,
    content_type TEXT,
    author_id BIGINT REFERENCES principals(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (node_id, version)
);

CREATE TABLE doc_props (
    node_id BIGINT NOT NULL REFERENCES doc_nodes(id) ON DELETE CASCADE,
    ns TEXT NOT NULL,
    name TEXT NOT NULL,
    value_xml TEXT NOT NULL,
    lang TEXT,
    PRIMARY KEY (node_id, ns, name)
);

CREATE TABLE doc_locks (
    token TEXT PRIMARY KEY,
    path TEXT COLLATE "C" NOT NULL,
    depth_infinity BIGINT NOT NULL,
    exclusive BIGINT NOT NULL,
    owner_xml TEXT,
    principal_id BIGINT NOT NULL REFERENCES principals(id) ON DELETE CASCADE,
    timeout_seconds BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX doc_locks_path ON doc_locks(path);

CREATE TABLE doc_grants (
    id BIGSERIAL PRIMARY KEY,
    path TEXT COLLATE "C" NOT NULL,
    principal_id BIGINT REFERENCES principals(id) ON DELETE CASCADE,
    department_id BIGINT REFERENCES departments(id) ON DELETE CASCADE,
    level BIGINT NOT NULL,
    CHECK ((principal_id IS NULL) <> (department_id IS NULL))
);
CREATE INDEX doc_grants_path ON doc_grants(path);
