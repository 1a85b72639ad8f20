-- CreateTable
CREATE TABLE "TumorBoard" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "title" TEXT NOT NULL,
    "specialty" TEXT NOT NULL,
    "meetingAt" DATETIME NOT NULL,
    "attendeesJson" TEXT NOT NULL DEFAULT '[]',
    "createdBy" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "BoardCase" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "boardId" TEXT NOT NULL,
    "patientKey" TEXT NOT NULL,
    "question" TEXT NOT NULL,
    "presenter" TEXT,
    "position" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'to-prepare',
    "summaryJson" TEXT,
    "preparedAt" DATETIME,
    "decisionRecordKey" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "BoardCase_boardId_fkey" FOREIGN KEY ("boardId") REFERENCES "TumorBoard" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "BoardCase_patientKey_fkey" FOREIGN KEY ("patientKey") REFERENCES "Patient" ("key") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "TumorBoard_meetingAt_idx" ON "TumorBoard"("meetingAt");

-- CreateIndex
CREATE INDEX "BoardCase_boardId_position_idx" ON "BoardCase"("boardId", "position");

-- CreateIndex
CREATE INDEX "BoardCase_patientKey_idx" ON "BoardCase"("patientKey");

-- CreateIndex
CREATE INDEX "BoardCase_status_idx" ON "BoardCase"("status");
