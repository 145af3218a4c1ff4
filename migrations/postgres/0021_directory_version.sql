-- A number that changes with every write to the people, their employee rows and the
-- departments: the store's in-memory copy of the directory (what every directory page reads)
-- is fresh while this number is unchanged. Triggers, so that no write path can forget it.
CREATE TABLE directory_version (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO directory_version (id, version) VALUES (1, 0);

CREATE FUNCTION bump_directory_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE directory_version SET version = version + 1;
    RETURN NULL; -- ignored for statement triggers
END
$$;

-- BEFORE each statement: a transaction locks the version row before any row of the three
-- tables, so two writers always take their locks in the same order (an AFTER trigger would
-- lock rows first and the version row last, and two such writers could deadlock).
CREATE TRIGGER principals_directory_version BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON principals
    FOR EACH STATEMENT EXECUTE FUNCTION bump_directory_version();
CREATE TRIGGER employees_directory_version BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON employees
    FOR EACH STATEMENT EXECUTE FUNCTION bump_directory_version();
CREATE TRIGGER departments_directory_version BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON departments
    FOR EACH STATEMENT EXECUTE FUNCTION bump_directory_version();
