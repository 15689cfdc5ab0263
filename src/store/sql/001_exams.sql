-- crmo schema 1: patients, exams with their clinical measures, readings and site
-- gradings, and the audit trail. One text for SQLite and PostgreSQL; {{ID}} is the
-- backend's auto-numbered key. Times are UTC ISO 8601 text; booleans are 0/1.
CREATE TABLE patients (
  id          TEXT PRIMARY KEY,
  sex         TEXT CHECK (sex IN ('F', 'M')),
  birth_date  TEXT,
  age_years   DOUBLE PRECISION
);

CREATE TABLE exams (
  id                 TEXT PRIMARY KEY,
  patient_id         TEXT NOT NULL REFERENCES patients (id),
  exam_date          TEXT NOT NULL,
  timepoint          TEXT NOT NULL DEFAULT '',
  reader             TEXT NOT NULL DEFAULT '',   -- the reader of the primary reading
  pga                DOUBLE PRECISION,
  pain               DOUBLE PRECISION,
  patient_global     DOUBLE PRECISION,
  chaq               DOUBLE PRECISION,
  esr                DOUBLE PRECISION,
  crp                DOUBLE PRECISION,
  clinical_severity  DOUBLE PRECISION,
  fever              INTEGER,
  normal_blood_count INTEGER,
  marginal_sclerosis INTEGER,
  biopsy             TEXT,
  symptomatic_sites  TEXT NOT NULL DEFAULT '[]', -- JSON list of sites
  position           INTEGER NOT NULL,           -- import order, kept by export
  revision           INTEGER NOT NULL DEFAULT 1, -- +1 on every change of the exam
  updated_at         TEXT NOT NULL,
  updated_by         TEXT NOT NULL
);
CREATE INDEX exams_patient ON exams (patient_id);

-- A reading is one reader's grading of one exam. Schema 1 keeps one reading per exam
-- (the exam's reader); several readers, blinding and consensus add rows here.
CREATE TABLE readings (
  exam_id  TEXT NOT NULL REFERENCES exams (id) ON DELETE CASCADE,
  reader   TEXT NOT NULL,
  PRIMARY KEY (exam_id, reader)
);

CREATE TABLE site_gradings (
  exam_id          TEXT NOT NULL,
  reader           TEXT NOT NULL,
  site             TEXT NOT NULL,             -- unit:side
  position         INTEGER NOT NULL,          -- order within the exam
  grades           TEXT NOT NULL,             -- JSON object item -> grade, as given
  physis           TEXT,
  symptomatic      INTEGER,
  lesion           TEXT,
  max_diameter_mm  DOUBLE PRECISION,
  volume_ml        DOUBLE PRECISION,
  si_ratio         DOUBLE PRECISION,
  PRIMARY KEY (exam_id, reader, site),
  FOREIGN KEY (exam_id, reader) REFERENCES readings (exam_id, reader) ON DELETE CASCADE
);

-- Every change to clinical data: who, when, what before and after (JSON).
CREATE TABLE audit (
  id         {{ID}},
  changed_at TEXT NOT NULL,
  actor      TEXT NOT NULL,
  action     TEXT NOT NULL,   -- import, create, grade, ungrade, clinical, replace
  entity     TEXT NOT NULL,   -- exam, site_grading
  entity_id  TEXT NOT NULL,   -- exam id, or exam id + "/" + site
  before_json TEXT,
  after_json  TEXT
);
CREATE INDEX audit_entity ON audit (entity_id);
