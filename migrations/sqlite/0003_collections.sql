-- CalDAV calendars and task lists (and, later, CardDAV address books): collections owned by
-- a principal, their objects stored as the client sent them, and a per-collection change
-- log behind getctag and RFC 6578 sync tokens.
CREATE TABLE collections (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    owner_id BIGINT NOT NULL REFERENCES principals(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('calendar', 'addressbook')),
    slug TEXT NOT NULL,
    displayname TEXT,
    description TEXT,
    color TEXT,
    timezone TEXT,
    components TEXT NOT NULL DEFAULT '',
    visibility TEXT NOT NULL DEFAULT 'private' CHECK (visibility IN ('private', 'busy', 'titles', 'all')),
    sync_seq BIGINT NOT NULL DEFAULT 0,
    feed_token TEXT UNIQUE,
    created_at BIGINT NOT NULL,
    UNIQUE (owner_id, kind, slug)
);

CREATE TABLE collection_props (
    collection_id BIGINT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    ns TEXT NOT NULL,
    name TEXT NOT NULL,
    value_xml TEXT NOT NULL,
    lang TEXT,
    PRIMARY KEY (collection_id, ns, name)
);

CREATE TABLE items (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    collection_id BIGINT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    uid TEXT NOT NULL,
    etag TEXT NOT NULL,
    component TEXT NOT NULL,
    data TEXT NOT NULL,
    time_start BIGINT NOT NULL,
    time_end BIGINT NOT NULL,
    is_oof BIGINT NOT NULL DEFAULT 0,
    modified_at BIGINT NOT NULL,
    UNIQUE (collection_id, name),
    UNIQUE (collection_id, uid)
);
CREATE INDEX items_time ON items(collection_id, time_start, time_end);

-- One row per item name: the latest change and whether it was a deletion (a tombstone), so
-- a delta since a token costs O(changes since it).
CREATE TABLE item_changes (
    collection_id BIGINT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    seq BIGINT NOT NULL,
    deleted BIGINT NOT NULL,
    PRIMARY KEY (collection_id, name)
);
CREATE INDEX item_changes_seq ON item_changes(collection_id, seq);
