-- AlterTable
ALTER TABLE "members" ADD COLUMN     "delivered_seq" BIGINT NOT NULL DEFAULT 0;

-- Read implies delivered: members who had read something had it delivered too.
UPDATE "members" SET "delivered_seq" = "read_seq";
