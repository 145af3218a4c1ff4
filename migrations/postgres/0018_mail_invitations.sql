-- A user who also wants meeting invitations from colleagues by e-mail (iMIP), besides the
-- copy in their calendar and the REQUEST in their schedule inbox.
ALTER TABLE user_settings ADD COLUMN mail_invitations BIGINT NOT NULL DEFAULT 0;
