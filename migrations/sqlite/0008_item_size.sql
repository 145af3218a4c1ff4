-- The byte length of each object, so listings (getcontentlength) need not read the bodies.
ALTER TABLE items ADD COLUMN size BIGINT NOT NULL DEFAULT 0;
UPDATE items SET size = length(CAST(data AS BLOB));
