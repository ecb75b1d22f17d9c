-- Administration (server/admin): who administers the instance, disabled accounts, how people may
-- register (open, by invite, closed), invite links, and the live instances' figures.

-- 'admin' or 'user'. The first account is the instance's admin (an existing install: its oldest).
ALTER TABLE "users" ADD COLUMN "role" VARCHAR(16) NOT NULL DEFAULT 'user',
ADD COLUMN "disabled_at" TIMESTAMPTZ(3);
UPDATE "users" SET "role" = 'admin' WHERE "id" = (SELECT "id" FROM "users" ORDER BY "created_at", "id" LIMIT 1);

-- The instance's settings, one row per key ('registration': 'open' | 'invite' | 'closed').
CREATE TABLE "instance_settings" (
    "key" VARCHAR(64) NOT NULL,
    "value" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "instance_settings_pkey" PRIMARY KEY ("key")
);

-- An invite link: only the SHA-256 of its code is kept. Usable max_uses times (null: any number)
-- until expires_at (null: no end), unless revoked.
CREATE TABLE "invites" (
    "id" UUID NOT NULL,
    "code_hash" BYTEA NOT NULL,
    "created_by" UUID,
    "max_uses" INTEGER,
    "uses" INTEGER NOT NULL DEFAULT 0,
    "expires_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "invites_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "invites_code_hash_key" ON "invites"("code_hash");
ALTER TABLE "invites" ADD CONSTRAINT "invites_created_by_fkey" FOREIGN KEY ("created_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Each running instance says it is alive and how many live connections it holds, every few seconds.
CREATE TABLE "instances" (
    "id" UUID NOT NULL,
    "host" TEXT NOT NULL,
    "connections" INTEGER NOT NULL DEFAULT 0,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "seen_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "instances_pkey" PRIMARY KEY ("id")
);
