import type { Migration } from './migrations.js';

/**
 * The SQLite schema, as an ordered list of migrations. Jobs keep the whole job as JSON next to
 * the columns that are filtered or sorted on; the indexes match the queries in sqlite-store.ts
 * (equality column, then created_at DESC, then id) so `history` and `listJobs` read only the
 * rows they return, whatever the table size. A trailing status lets a status filter be checked
 * inside the index without visiting the table.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    id: 1,
    name: 'initial schema',
    up: `
      CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        runbook_key TEXT NOT NULL,
        requester_id TEXT NOT NULL,
        conversation_key TEXT NOT NULL,
        status TEXT NOT NULL,
        unsettled INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        version INTEGER NOT NULL,
        data TEXT NOT NULL
      );
      CREATE INDEX jobs_by_runbook ON jobs (runbook_key, created_at DESC, id, status);
      CREATE INDEX jobs_by_requester ON jobs (requester_id, created_at DESC, id, status);
      CREATE INDEX jobs_by_conversation ON jobs (conversation_key, created_at DESC, id, status);
      CREATE INDEX jobs_by_status ON jobs (status, created_at DESC, id);
      CREATE INDEX jobs_by_created ON jobs (created_at DESC, id);
      -- Partial: only the few jobs still in flight or awaiting their final card (see unsettled.ts).
      CREATE INDEX jobs_unsettled ON jobs (created_at DESC, id) WHERE unsettled = 1;

      CREATE TABLE job_output (
        job_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        stream TEXT NOT NULL,
        text TEXT NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (job_id, seq)
      ) WITHOUT ROWID;

      CREATE TABLE friction (
        id TEXT PRIMARY KEY,
        created_at TEXT NOT NULL,
        data TEXT NOT NULL
      );
      CREATE INDEX friction_by_created ON friction (created_at DESC, id);

      CREATE TABLE conversations (
        key TEXT PRIMARY KEY,
        data TEXT NOT NULL
      );

      CREATE TABLE catalog_snapshot (
        name TEXT PRIMARY KEY,
        content_hash TEXT NOT NULL,
        synopsis TEXT NOT NULL,
        category TEXT NOT NULL
      );
      CREATE TABLE catalog_changes (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        change TEXT NOT NULL,
        at TEXT NOT NULL,
        synopsis TEXT NOT NULL,
        category TEXT NOT NULL
      );
      CREATE INDEX catalog_changes_by_at ON catalog_changes (at, seq);

      CREATE TABLE markers (
        user_id TEXT NOT NULL,
        name TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (user_id, name)
      ) WITHOUT ROWID;

      CREATE TABLE forms (
        id TEXT PRIMARY KEY,
        runbook TEXT NOT NULL,
        user_id TEXT NOT NULL,
        conversation_key TEXT NOT NULL,
        issued_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        job_id TEXT
      );

      -- AUTOINCREMENT: a sequence number is never reused, even after the newest row is gone.
      CREATE TABLE audit (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        job_id TEXT,
        data TEXT NOT NULL
      );
      CREATE INDEX audit_by_at ON audit (at);
      CREATE INDEX audit_by_job ON audit (job_id, seq);
      -- The audit log is evidence: the database itself refuses to rewrite or erase it.
      CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
      CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

      CREATE TABLE leases (
        resource TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        expires_at TEXT NOT NULL
      );
    `,
  },
];
