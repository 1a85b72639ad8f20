-- CreateTable
CREATE TABLE "TumorBoard" (
    "id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "specialty" TEXT NOT NULL,
    "meetingAt" TIMESTAMP(3) NOT NULL,
    "attendeesJson" TEXT NOT NULL DEFAULT '[]',
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TumorBoard_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BoardCase" (
    "id" TEXT NOT NULL,
    "boardId" TEXT NOT NULL,
    "patientKey" TEXT NOT NULL,
    "question" TEXT NOT NULL,
    "presenter" TEXT,
    "position" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'to-prepare',
    "summaryJson" TEXT,
    "preparedAt" TIMESTAMP(3),
    "decisionRecordKey" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "BoardCase_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "TumorBoard_meetingAt_idx" ON "TumorBoard"("meetingAt");

-- CreateIndex
CREATE INDEX "BoardCase_boardId_position_idx" ON "BoardCase"("boardId", "position");

-- CreateIndex
CREATE INDEX "BoardCase_patientKey_idx" ON "BoardCase"("patientKey");

-- CreateIndex
CREATE INDEX "BoardCase_status_idx" ON "BoardCase"("status");

-- AddForeignKey
ALTER TABLE "BoardCase" ADD CONSTRAINT "BoardCase_boardId_fkey" FOREIGN KEY ("boardId") REFERENCES "TumorBoard"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BoardCase" ADD CONSTRAINT "BoardCase_patientKey_fkey" FOREIGN KEY ("patientKey") REFERENCES "Patient"("key") ON DELETE RESTRICT ON UPDATE CASCADE;
