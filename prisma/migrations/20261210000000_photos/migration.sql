-- Profile and group photos: a user's or group's photo is media of its own (a square picture made by
-- server/media/service.ts), named here; whoever may see a person's photo (photo_visibility, as
-- presence_visibility) or is in the group now may fetch it. A photo replaced or removed is no longer
-- anyone's to fetch but its uploader's.
ALTER TABLE "users" ADD COLUMN "photo_id" UUID;
ALTER TABLE "users" ADD COLUMN "photo_visibility" VARCHAR(16) NOT NULL DEFAULT 'everyone';
ALTER TABLE "conversations" ADD COLUMN "photo_id" UUID;

CREATE INDEX "users_photo_id_idx" ON "users"("photo_id");
CREATE INDEX "conversations_photo_id_idx" ON "conversations"("photo_id");

ALTER TABLE "users" ADD CONSTRAINT "users_photo_id_fkey" FOREIGN KEY ("photo_id") REFERENCES "media"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "conversations" ADD CONSTRAINT "conversations_photo_id_fkey" FOREIGN KEY ("photo_id") REFERENCES "media"("id") ON DELETE SET NULL ON UPDATE CASCADE;
