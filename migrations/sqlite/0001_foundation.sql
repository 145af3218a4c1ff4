-- Principals (users, groups, resources), the department tree, sessions and app passwords.
-- Timestamps are Unix seconds (BIGINT) so the same queries run on SQLite and PostgreSQL.
CREATE TABLE principals (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL DEFAULT 'user' CHECK (kind IN ('user', 'group', 'resource')),
    login TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    email TEXT,
    password_hash TEXT,
    is_admin BIGINT NOT NULL DEFAULT 0,
    active BIGINT NOT NULL DEFAULT 1,
    source TEXT NOT NULL DEFAULT 'local',
    created_at BIGINT NOT NULL
);

CREATE TABLE departments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    parent_id BIGINT REFERENCES departments(id),
    head_id BIGINT REFERENCES principals(id),
    created_at BIGINT NOT NULL
);

CREATE TABLE employees (
    principal_id BIGINT PRIMARY KEY REFERENCES principals(id) ON DELETE CASCADE,
    department_id BIGINT REFERENCES departments(id),
    manager_id BIGINT REFERENCES principals(id),
    title TEXT,
    phone TEXT,
    mobile TEXT,
    birthday TEXT,
    hire_date TEXT
);
CREATE INDEX employees_department ON employees(department_id);

CREATE TABLE memberships (
    group_id BIGINT NOT NULL REFERENCES principals(id) ON DELETE CASCADE,
    member_id BIGINT NOT NULL REFERENCES principals(id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, member_id)
);

CREATE TABLE app_passwords (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    principal_id BIGINT NOT NULL REFERENCES principals(id) ON DELETE CASCADE,
    label TEXT NOT NULL,
    secret_sha256 TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT
);
CREATE INDEX app_passwords_principal ON app_passwords(principal_id);

CREATE TABLE sessions (
    token_sha256 TEXT PRIMARY KEY,
    principal_id BIGINT NOT NULL REFERENCES principals(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_expiry ON sessions(expires_at);
