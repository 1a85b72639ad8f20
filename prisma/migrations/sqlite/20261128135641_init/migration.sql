-- CreateTable
CREATE TABLE "Patient" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "isStub" BOOLEAN NOT NULL DEFAULT true,
    "displayName" TEXT,
    "family" TEXT,
    "given" TEXT,
    "birthDate" TEXT,
    "gender" TEXT,
    "identifiers" TEXT NOT NULL DEFAULT '[]',
    "deceasedAt" TEXT,
    "searchText" TEXT NOT NULL DEFAULT '',
    "sortName" TEXT NOT NULL DEFAULT '',
    "primaryCancer" TEXT,
    "primaryCancerSearch" TEXT NOT NULL DEFAULT '',
    "stage" TEXT,
    "stageSearch" TEXT NOT NULL DEFAULT '',
    "factCount" INTEGER NOT NULL DEFAULT 0,
    "eventCount" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "SourceRecord" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "kind" TEXT NOT NULL,
    "resourceType" TEXT NOT NULL,
    "resourceId" TEXT NOT NULL,
    "patientKey" TEXT,
    "content" TEXT NOT NULL,
    "contentBytes" BLOB,
    "contentHash" TEXT NOT NULL,
    "origin" TEXT NOT NULL,
    "originLocation" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "importedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "importRunId" TEXT NOT NULL,
    CONSTRAINT "SourceRecord_patientKey_fkey" FOREIGN KEY ("patientKey") REFERENCES "Patient" ("key") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "SourceRecord_importRunId_fkey" FOREIGN KEY ("importRunId") REFERENCES "ImportRun" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SourceRecordVersion" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "recordKey" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "resourceType" TEXT NOT NULL,
    "resourceId" TEXT NOT NULL,
    "patientKey" TEXT,
    "content" TEXT NOT NULL,
    "contentBytes" BLOB,
    "contentHash" TEXT NOT NULL,
    "origin" TEXT NOT NULL,
    "originLocation" TEXT NOT NULL,
    "importedAt" DATETIME NOT NULL,
    "importRunId" TEXT NOT NULL,
    "supersededAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "SourceRecordVersion_recordKey_fkey" FOREIGN KEY ("recordKey") REFERENCES "SourceRecord" ("key") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Fact" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "patientKey" TEXT NOT NULL,
    "sourceRecordKey" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "codeSystem" TEXT,
    "code" TEXT,
    "codeDisplay" TEXT,
    "valueJson" TEXT,
    "valueText" TEXT,
    "effectiveStart" TEXT,
    "effectiveStartAt" DATETIME,
    "effectiveEnd" TEXT,
    "effectiveEndAt" DATETIME,
    "status" TEXT,
    "attributesJson" TEXT NOT NULL DEFAULT '{}',
    "provenanceJson" TEXT NOT NULL,
    "elementPath" TEXT NOT NULL,
    CONSTRAINT "Fact_patientKey_fkey" FOREIGN KEY ("patientKey") REFERENCES "Patient" ("key") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Fact_sourceRecordKey_fkey" FOREIGN KEY ("sourceRecordKey") REFERENCES "SourceRecord" ("key") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "TimelineEvent" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "patientKey" TEXT NOT NULL,
    "sourceRecordKey" TEXT NOT NULL,
    "elementPath" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "start" TEXT,
    "startAt" DATETIME,
    "end" TEXT,
    "endAt" DATETIME,
    "title" TEXT NOT NULL,
    "detail" TEXT,
    CONSTRAINT "TimelineEvent_patientKey_fkey" FOREIGN KEY ("patientKey") REFERENCES "Patient" ("key") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "TimelineEvent_sourceRecordKey_fkey" FOREIGN KEY ("sourceRecordKey") REFERENCES "SourceRecord" ("key") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ImportRun" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "source" TEXT NOT NULL,
    "startedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" DATETIME,
    "status" TEXT NOT NULL DEFAULT 'running',
    "imported" INTEGER NOT NULL DEFAULT 0,
    "updated" INTEGER NOT NULL DEFAULT 0,
    "unchanged" INTEGER NOT NULL DEFAULT 0,
    "rejected" INTEGER NOT NULL DEFAULT 0
);

-- CreateTable
CREATE TABLE "ImportIssue" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "runId" TEXT NOT NULL,
    "file" TEXT NOT NULL,
    "place" TEXT NOT NULL,
    "resourceType" TEXT,
    "resourceId" TEXT,
    "severity" TEXT NOT NULL,
    "elementPath" TEXT,
    "message" TEXT NOT NULL,
    "outcomeJson" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ImportIssue_runId_fkey" FOREIGN KEY ("runId") REFERENCES "ImportRun" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "Patient_sortName_key_idx" ON "Patient"("sortName", "key");

-- CreateIndex
CREATE INDEX "SourceRecord_patientKey_kind_idx" ON "SourceRecord"("patientKey", "kind");

-- CreateIndex
CREATE INDEX "SourceRecord_importRunId_idx" ON "SourceRecord"("importRunId");

-- CreateIndex
CREATE UNIQUE INDEX "SourceRecordVersion_recordKey_version_key" ON "SourceRecordVersion"("recordKey", "version");

-- CreateIndex
CREATE INDEX "Fact_patientKey_kind_effectiveStartAt_idx" ON "Fact"("patientKey", "kind", "effectiveStartAt");

-- CreateIndex
CREATE INDEX "Fact_sourceRecordKey_idx" ON "Fact"("sourceRecordKey");

-- CreateIndex
CREATE INDEX "TimelineEvent_patientKey_startAt_id_idx" ON "TimelineEvent"("patientKey", "startAt", "id");

-- CreateIndex
CREATE INDEX "TimelineEvent_patientKey_category_startAt_idx" ON "TimelineEvent"("patientKey", "category", "startAt");

-- CreateIndex
CREATE INDEX "TimelineEvent_sourceRecordKey_idx" ON "TimelineEvent"("sourceRecordKey");

-- CreateIndex
CREATE INDEX "ImportRun_startedAt_idx" ON "ImportRun"("startedAt");

-- CreateIndex
CREATE INDEX "ImportIssue_runId_id_idx" ON "ImportIssue"("runId", "id");
