import type { QueryDb } from './db';
import type { BaseQuery, BaseRow } from './types';

export async function runRollupPlan(_db: QueryDb, _q: BaseQuery): Promise<BaseRow[] | null> {
  return null;
}

export async function estimateRawRows(_db: QueryDb, _q: BaseQuery): Promise<number> {
  return 0;
}
