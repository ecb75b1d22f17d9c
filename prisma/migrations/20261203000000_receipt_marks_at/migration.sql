-- The healing sweep (server/sync/healer.ts) finds the conversations whose receipts moved in the last
-- few seconds by time.

-- CreateIndex
CREATE INDEX "receipt_marks_at_idx" ON "receipt_marks"("at");
