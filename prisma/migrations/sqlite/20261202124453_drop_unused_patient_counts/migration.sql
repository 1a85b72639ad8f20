-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Patient" (
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
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Patient" ("birthDate", "createdAt", "deceasedAt", "displayName", "family", "gender", "given", "identifiers", "isStub", "key", "primaryCancer", "primaryCancerSearch", "searchText", "sortName", "stage", "stageSearch", "updatedAt") SELECT "birthDate", "createdAt", "deceasedAt", "displayName", "family", "gender", "given", "identifiers", "isStub", "key", "primaryCancer", "primaryCancerSearch", "searchText", "sortName", "stage", "stageSearch", "updatedAt" FROM "Patient";
DROP TABLE "Patient";
ALTER TABLE "new_Patient" RENAME TO "Patient";
CREATE INDEX "Patient_sortName_key_idx" ON "Patient"("sortName", "key");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
