-- Calendar sharing: grants of read or read-write to users, groups and departments, and the
-- colleagues' calendars a user keeps among their favourites (shown in their calendar home).
CREATE TABLE collection_grants (
    collection_id BIGINT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    principal_id BIGINT REFERENCES principals(id) ON DELETE CASCADE,
    department_id BIGINT REFERENCES departments(id) ON DELETE CASCADE,
    level BIGINT NOT NULL,
    CHECK ((principal_id IS NULL) <> (department_id IS NULL))
);
CREATE INDEX collection_grants_collection ON collection_grants(collection_id);

CREATE TABLE calendar_favorites (
    principal_id BIGINT NOT NULL REFERENCES principals(id) ON DELETE CASCADE,
    collection_id BIGINT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    PRIMARY KEY (principal_id, collection_id)
);
