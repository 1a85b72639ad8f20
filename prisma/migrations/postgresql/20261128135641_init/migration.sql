-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Patient" (
    "key" TEXT NOT NULL,
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
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Patient_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "SourceRecord" (
    "key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "resourceType" TEXT NOT NULL,
    "resourceId" TEXT NOT NULL,
    "patientKey" TEXT,
    "content" TEXT NOT NULL,
    "contentBytes" BYTEA,
    "contentHash" TEXT NOT NULL,
    "origin" TEXT NOT NULL,
    "originLocation" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "importedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "importRunId" TEXT NOT NULL,

    CONSTRAINT "SourceRecord_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "SourceRecordVersion" (
    "id" SERIAL NOT NULL,
    "recordKey" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "resourceType" TEXT NOT NULL,
    "resourceId" TEXT NOT NULL,
    "patientKey" TEXT,
    "content" TEXT NOT NULL,
    "contentBytes" BYTEA,
    "contentHash" TEXT NOT NULL,
    "origin" TEXT NOT NULL,
    "originLocation" TEXT NOT NULL,
    "importedAt" TIMESTAMP(3) NOT NULL,
    "importRunId" TEXT NOT NULL,
    "supersededAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SourceRecordVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Fact" (
    "id" SERIAL NOT NULL,
    "patientKey" TEXT NOT NULL,
    "sourceRecordKey" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "codeSystem" TEXT,
    "code" TEXT,
    "codeDisplay" TEXT,
    "valueJson" TEXT,
    "valueText" TEXT,
    "effectiveStart" TEXT,
    "effectiveStartAt" TIMESTAMP(3),
    "effectiveEnd" TEXT,
    "effectiveEndAt" TIMESTAMP(3),
    "status" TEXT,
    "attributesJson" TEXT NOT NULL DEFAULT '{}',
    "provenanceJson" TEXT NOT NULL,
    "elementPath" TEXT NOT NULL,

    CONSTRAINT "Fact_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TimelineEvent" (
    "id" SERIAL NOT NULL,
    "patientKey" TEXT NOT NULL,
    "sourceRecordKey" TEXT NOT NULL,
    "elementPath" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "start" TEXT,
    "startAt" TIMESTAMP(3),
    "end" TEXT,
    "endAt" TIMESTAMP(3),
    "title" TEXT NOT NULL,
    "detail" TEXT,

    CONSTRAINT "TimelineEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ImportRun" (
    "id" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),
    "status" TEXT NOT NULL DEFAULT 'running',
    "imported" INTEGER NOT NULL DEFAULT 0,
    "updated" INTEGER NOT NULL DEFAULT 0,
    "unchanged" INTEGER NOT NULL DEFAULT 0,
    "rejected" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "ImportRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ImportIssue" (
    "id" SERIAL NOT NULL,
    "runId" TEXT NOT NULL,
    "file" TEXT NOT NULL,
    "place" TEXT NOT NULL,
    "resourceType" TEXT,
    "resourceId" TEXT,
    "severity" TEXT NOT NULL,
    "elementPath" TEXT,
    "message" TEXT NOT NULL,
    "outcomeJson" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ImportIssue_pkey" PRIMARY KEY ("id")
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

-- AddForeignKey
ALTER TABLE "SourceRecord" ADD CONSTRAINT "SourceRecord_patientKey_fkey" FOREIGN KEY ("patientKey") REFERENCES "Patient"("key") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SourceRecord" ADD CONSTRAINT "SourceRecord_importRunId_fkey" FOREIGN KEY ("importRunId") REFERENCES "ImportRun"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SourceRecordVersion" ADD CONSTRAINT "SourceRecordVersion_recordKey_fkey" FOREIGN KEY ("recordKey") REFERENCES "SourceRecord"("key") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Fact" ADD CONSTRAINT "Fact_patientKey_fkey" FOREIGN KEY ("patientKey") REFERENCES "Patient"("key") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Fact" ADD CONSTRAINT "Fact_sourceRecordKey_fkey" FOREIGN KEY ("sourceRecordKey") REFERENCES "SourceRecord"("key") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TimelineEvent" ADD CONSTRAINT "TimelineEvent_patientKey_fkey" FOREIGN KEY ("patientKey") REFERENCES "Patient"("key") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TimelineEvent" ADD CONSTRAINT "TimelineEvent_sourceRecordKey_fkey" FOREIGN KEY ("sourceRecordKey") REFERENCES "SourceRecord"("key") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ImportIssue" ADD CONSTRAINT "ImportIssue_runId_fkey" FOREIGN KEY ("runId") REFERENCES "ImportRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;
