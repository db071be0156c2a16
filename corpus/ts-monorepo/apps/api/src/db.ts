import Database from 'better-sqlite3';
import { config } from './config';

export const db: Database.Database = new Database(config.databaseFile);
db.pragma('journal_mode = WAL');

export function migrate(): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS articles (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      slug TEXT NOT NULL UNIQUE,
      title TEXT NOT NULL,
      body TEXT NOT NULL,
      tags TEXT NOT NULL DEFAULT '[]',
      published_at TEXT NOT NULL
    )
  `);
}
