-- Secrets the server makes for itself on first use (the key that signs guests' answer links),
-- kept in the database so that every node and every backup has them.
CREATE TABLE server_keys (
    name TEXT PRIMARY KEY,
    secret TEXT NOT NULL
);
-- Answer links a guest has used: each answer of each invitation mail once (RFC 6047 guests
-- answer without an account, through links signed with the key above).
CREATE TABLE answer_link_uses (
    nonce TEXT NOT NULL,
    answer TEXT NOT NULL,
    used_at BIGINT NOT NULL,
    PRIMARY KEY (nonce, answer)
);
