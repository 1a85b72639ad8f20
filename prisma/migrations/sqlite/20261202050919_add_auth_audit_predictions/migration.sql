-- CreateTable
CREATE TABLE "User" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "username" TEXT NOT NULL,
    "displayName" TEXT NOT NULL,
    "passwordHash" TEXT,
    "rolesJson" TEXT NOT NULL DEFAULT '[]',
    "oidcIssuer" TEXT,
    "oidcSubject" TEXT,
    "disabled" BOOLEAN NOT NULL DEFAULT false,
    "failedSignIns" INTEGER NOT NULL DEFAULT 0,
    "lockedUntil" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "csrfTokenHash" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" DATETIME NOT NULL,
    "lastSeenAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ip" TEXT,
    "userAgent" TEXT,
    CONSTRAINT "Session_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "CareTeamMember" (
    "userId" TEXT NOT NULL,
    "patientKey" TEXT NOT NULL,
    "role" TEXT,
    "addedBy" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("userId", "patientKey"),
    CONSTRAINT "CareTeamMember_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "CareTeamMember_patientKey_fkey" FOREIGN KEY ("patientKey") REFERENCES "Patient" ("key") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "BoardMember" (
    "boardId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("boardId", "userId"),
    CONSTRAINT "BoardMember_boardId_fkey" FOREIGN KEY ("boardId") REFERENCES "TumorBoard" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "BoardMember_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "recordedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "action" TEXT NOT NULL,
    "operation" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "outcomeDesc" TEXT,
    "userId" TEXT,
    "username" TEXT,
    "rolesJson" TEXT NOT NULL DEFAULT '[]',
    "patientKey" TEXT,
    "entitiesJson" TEXT NOT NULL DEFAULT '[]',
    "sourceIp" TEXT,
    "userAgent" TEXT
);

-- CreateTable
CREATE TABLE "ModelVersion" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "modelId" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "card" TEXT NOT NULL,
    "metricsJson" TEXT NOT NULL DEFAULT '{}',
    "synthetic" BOOLEAN NOT NULL DEFAULT false,
    "active" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "ModalityEncoding" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "patientKey" TEXT NOT NULL,
    "moduleId" TEXT NOT NULL,
    "moduleVersion" TEXT NOT NULL,
    "inputHash" TEXT NOT NULL,
    "vector" BLOB NOT NULL,
    "provenanceJson" TEXT NOT NULL DEFAULT '[]',
    "detailsJson" TEXT NOT NULL DEFAULT '{}',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ModalityEncoding_patientKey_fkey" FOREIGN KEY ("patientKey") REFERENCES "Patient" ("key") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Prediction" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "patientKey" TEXT NOT NULL,
    "modelVersionId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "risk" REAL NOT NULL,
    "riskPercentile" REAL NOT NULL,
    "provider" TEXT NOT NULL,
    "resultJson" TEXT NOT NULL,
    CONSTRAINT "Prediction_patientKey_fkey" FOREIGN KEY ("patientKey") REFERENCES "Patient" ("key") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Prediction_modelVersionId_fkey" FOREIGN KEY ("modelVersionId") REFERENCES "ModelVersion" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PredictionInput" (
    "predictionId" INTEGER NOT NULL,
    "encodingId" INTEGER NOT NULL,

    PRIMARY KEY ("predictionId", "encodingId"),
    CONSTRAINT "PredictionInput_predictionId_fkey" FOREIGN KEY ("predictionId") REFERENCES "Prediction" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "PredictionInput_encodingId_fkey" FOREIGN KEY ("encodingId") REFERENCES "ModalityEncoding" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "User_username_key" ON "User"("username");

-- CreateIndex
CREATE UNIQUE INDEX "User_oidcIssuer_oidcSubject_key" ON "User"("oidcIssuer", "oidcSubject");

-- CreateIndex
CREATE INDEX "Session_userId_idx" ON "Session"("userId");

-- CreateIndex
CREATE INDEX "Session_expiresAt_idx" ON "Session"("expiresAt");

-- CreateIndex
CREATE INDEX "CareTeamMember_patientKey_idx" ON "CareTeamMember"("patientKey");

-- CreateIndex
CREATE INDEX "BoardMember_userId_idx" ON "BoardMember"("userId");

-- CreateIndex
CREATE INDEX "AuditEvent_recordedAt_idx" ON "AuditEvent"("recordedAt");

-- CreateIndex
CREATE INDEX "AuditEvent_patientKey_recordedAt_idx" ON "AuditEvent"("patientKey", "recordedAt");

-- CreateIndex
CREATE INDEX "AuditEvent_userId_recordedAt_idx" ON "AuditEvent"("userId", "recordedAt");

-- CreateIndex
CREATE INDEX "ModelVersion_modelId_active_idx" ON "ModelVersion"("modelId", "active");

-- CreateIndex
CREATE UNIQUE INDEX "ModelVersion_modelId_version_key" ON "ModelVersion"("modelId", "version");

-- CreateIndex
CREATE INDEX "ModalityEncoding_patientKey_moduleId_idx" ON "ModalityEncoding"("patientKey", "moduleId");

-- CreateIndex
CREATE UNIQUE INDEX "ModalityEncoding_patientKey_moduleId_moduleVersion_inputHash_key" ON "ModalityEncoding"("patientKey", "moduleId", "moduleVersion", "inputHash");

-- CreateIndex
CREATE INDEX "Prediction_patientKey_createdAt_idx" ON "Prediction"("patientKey", "createdAt");

-- CreateIndex
CREATE INDEX "Prediction_modelVersionId_idx" ON "Prediction"("modelVersionId");

-- CreateIndex
CREATE INDEX "PredictionInput_encodingId_idx" ON "PredictionInput"("encodingId");
