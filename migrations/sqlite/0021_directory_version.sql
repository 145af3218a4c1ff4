-- A number that changes with every write to the people, their employee rows and the
-- departments: the store's in-memory copy of the directory (what every directory page reads)
-- is fresh while this number is unchanged. Triggers, so that no write path can forget it.
CREATE TABLE directory_version (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO directory_version (id, version) VALUES (1, 0);

CREATE TRIGGER principals_insert_directory_version AFTER INSERT ON principals
BEGIN UPDATE directory_version SET version = version + 1; END;
CREATE TRIGGER principals_update_directory_version AFTER UPDATE ON principals
BEGIN UPDATE directory_version SET version = version + 1; END;
CREATE TRIGGER principals_delete_directory_version AFTER DELETE ON principals
BEGIN UPDATE directory_version SET version = version + 1; END;
CREATE TRIGGER employees_insert_directory_version AFTER INSERT ON employees
BEGIN UPDATE directory_version SET version = version + 1; END;
CREATE TRIGGER employees_update_directory_version AFTER UPDATE ON employees
BEGIN UPDATE directory_version SET version = version + 1; END;
CREATE TRIGGER employees_delete_directory_version AFTER DELETE ON employees
BEGIN UPDATE directory_version SET version = version + 1; END;
CREATE TRIGGER departments_insert_directory_version AFTER INSERT ON departments
BEGIN UPDATE directory_version SET version = version + 1; END;
CREATE TRIGGER departments_update_directory_version AFTER UPDATE ON departments
BEGIN UPDATE directory_version SET version = version + 1; END;
CREATE TRIGGER departments_delete_directory_version AFTER DELETE ON departments
BEGIN UPDATE directory_version SET version = version + 1; END;
