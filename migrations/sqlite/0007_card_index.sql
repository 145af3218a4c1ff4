-- The search index of address books: per card, the values addressbook-query text-matches
-- test (FN, EMAIL, TEL, NICKNAME, N, ORG, UID and their parts), case-folded
-- (i;unicode-casemap), so a query reads only candidate cards. Written with each card;
-- cards stored before this table existed are indexed on the next query of their book.
CREATE TABLE card_index (
    item_id BIGINT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    collection_id BIGINT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    prop TEXT NOT NULL,
    value TEXT NOT NULL
);
CREATE INDEX card_index_values ON card_index(collection_id, prop, value);
CREATE INDEX card_index_items ON card_index(item_id);
