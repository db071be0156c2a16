/** A tiny in-memory table: enough for the demo, swapped for a real database in production. */
export interface Table<T extends { id: number }> {
  all(): T[];
  get(id: number): T | undefined;
  insert(row: Omit<T, 'id'>): T;
  remove(id: number): boolean;
}

export function table<T extends { id: number }>(): Table<T> {
  const rows = new Map<number, T>();
  let nextId = 1;
  return {
    all: () => [...rows.values()],
    get: (id) => rows.get(id),
    insert(row) {
      const stored = { ...row, id: nextId++ } as T;
      rows.set(stored.id, stored);
      return stored;
    },
    remove: (id) => rows.delete(id),
  };
}
