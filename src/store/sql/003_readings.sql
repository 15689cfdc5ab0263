-- crmo schema 3: several readers per exam (issue 7). Each reading has its own
-- revision, so independent readers do not get in each other's way; a consensus
-- reading records the readings it reconciles. Sessions record when they began.
ALTER TABLE readings ADD COLUMN kind TEXT NOT NULL DEFAULT 'reading' CHECK (kind IN ('reading', 'consensus'));
ALTER TABLE readings ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
ALTER TABLE readings ADD COLUMN updated_at TEXT NOT NULL DEFAULT '';
ALTER TABLE readings ADD COLUMN updated_by TEXT NOT NULL DEFAULT '';
-- A reading's own clinical measures (JSON, as in the exam document) where they differ
-- from the exam's (readers' documents may disagree; consensus reconciles them).
ALTER TABLE readings ADD COLUMN clinical_json TEXT;
-- The readings of schema 1 and 2 were each exam's main reading: they take the exam's dates.
UPDATE readings SET
  updated_at = (SELECT e.updated_at FROM exams e WHERE e.id = readings.exam_id),
  updated_by = (SELECT e.updated_by FROM exams e WHERE e.id = readings.exam_id);

CREATE TABLE consensus_sources (
  exam_id          TEXT NOT NULL,
  reader           TEXT NOT NULL,     -- the consensus reading
  source_reader    TEXT NOT NULL,     -- a reading it reconciles
  source_revision  INTEGER NOT NULL,  -- that reading's revision at the time
  position         INTEGER NOT NULL,
  PRIMARY KEY (exam_id, reader, source_reader),
  FOREIGN KEY (exam_id, reader) REFERENCES readings (exam_id, reader) ON DELETE CASCADE
);

ALTER TABLE sessions ADD COLUMN created_at TEXT NOT NULL DEFAULT '';
CREATE INDEX sessions_user ON sessions (user_name);

-- Audit records of a reading name its reader.
ALTER TABLE audit ADD COLUMN reader TEXT NOT NULL DEFAULT '';
