import type { Database } from 'better-sqlite3';

/**
 * One schema step. `id`s are applied in ascending order, each exactly once per database,
 * recorded in `schema_migrations`. Released migrations are never edited: a schema change is a
 * new migration at the end of the list.
 */
export interface Migration {
  id: number;
  name: string;
  up: string | ((db: Database) => void);
}

function checkOrder(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (!Number.isInteger(migration.id) || migration.id <= 0)
      throw new Error(`Migration "${migration.name}" needs a positive whole-number id (got ${migration.id}).`);
    const previous = migrations[index - 1];
    if (previous && previous.id >= migration.id)
      throw new Error(`Migration ids must increase: "${migration.name}" (${migration.id}) follows "${previous.name}" (${previous.id}).`);
  });
}

/**
 * Applies the migrations this database has not seen yet and returns their ids. Each runs in its
 * own IMMEDIATE transaction together with its bookkeeping row, so a crash leaves either all of a
 * step or none of it, and two processes opening the same file at once never apply a step twice.
 */
export function migrate(db: Database, migrations: readonly Migration[]): number[] {
  checkOrder(migrations);
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);
  const isApplied = db.prepare('SELECT 1 FROM schema_migrations WHERE id = ?');
  const record = db.prepare('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)');
  const applied: number[] = [];
  for (const migration of migrations) {
    const apply = db.transaction(() => {
      if (isApplied.get(migration.id)) return;
      if (typeof migration.up === 'string') db.exec(migration.up);
      else migration.up(db);
      record.run(migration.id, migration.name, new Date().toISOString());
      applied.push(migration.id);
    });
    apply.immediate();
  }
  return applied;
}
