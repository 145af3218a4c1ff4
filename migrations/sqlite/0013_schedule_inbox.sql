-- RFC 6638 schedule inboxes: the iTIP messages (REQUEST, CANCEL, REPLY) delivered to a calendar
-- user, written in the transaction that delivers the meeting, listed and removed by clients.
CREATE TABLE inbox_items (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    owner_id BIGINT NOT NULL REFERENCES principals(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    uid TEXT NOT NULL,
    etag TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (owner_id, name)
);
CREATE INDEX items_uid ON items(uid);
CREATE INDEX principals_email ON principals(lower(email));
