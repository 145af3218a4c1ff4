-- Properties a user sets on a favourite or team calendar as it shows in their own home (Apple
-- Calendar's colour and order, a name of their own): the owner's calendar is not changed.
CREATE TABLE binding_props (
    principal_id BIGINT NOT NULL REFERENCES principals(id) ON DELETE CASCADE,
    collection_id BIGINT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    ns TEXT NOT NULL,
    name TEXT NOT NULL,
    value_xml TEXT NOT NULL,
    lang TEXT,
    PRIMARY KEY (principal_id, collection_id, ns, name)
);
