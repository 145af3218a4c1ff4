-- Directory sync from LDAP / Active Directory: the stable identity of synced people, the
-- department paths the directory names, the staff-change log, and the sync state.
ALTER TABLE principals ADD COLUMN external_id TEXT;
ALTER TABLE principals ADD COLUMN dn TEXT;
CREATE UNIQUE INDEX principals_external_id ON principals(external_id);

ALTER TABLE employees ADD COLUMN given_name TEXT;
ALTER TABLE employees ADD COLUMN surname TEXT;
ALTER TABLE employees ADD COLUMN photo_sha256 TEXT;

-- "Engineering/Backend": the directory's department path, unique.
ALTER TABLE departments ADD COLUMN path TEXT;
CREATE UNIQUE INDEX departments_path ON departments(path);

CREATE TABLE staff_changes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    principal_id BIGINT NOT NULL REFERENCES principals(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    detail TEXT NOT NULL,
    source TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX staff_changes_at ON staff_changes(at);
CREATE INDEX staff_changes_principal ON staff_changes(principal_id);

CREATE TABLE directory_sync (
    source TEXT PRIMARY KEY,
    cursor TEXT,
    last_full_at BIGINT,
    last_run_at BIGINT,
    last_status TEXT,
    last_error TEXT
);
