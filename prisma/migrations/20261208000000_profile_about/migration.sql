-- A person's "about" line (their profile: users.updateProfile), shown on their contact panel.
ALTER TABLE "users" ADD COLUMN "about" VARCHAR(140) NOT NULL DEFAULT '';
