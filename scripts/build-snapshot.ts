/**
 * Builds the data-dir snapshot every node boots from (public/snapshot/cluster.tar): one
 * initdb with 1 MB WAL segments, the shop schema and sample rows, pg_walinspect, no
 * template databases, checkpointed, and only the WAL segment the checkpoint is in (the
 * others are initdb's pre-allocated spares: 6 of the 7 MB of WAL every page load fetched).
 * Skips the work when the schema has not changed.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { pg_walinspect } from '@electric-sql/pglite/contrib/pg_walinspect';
import {
  CAPTURE_SQL,
  NODE_FUNCTIONS_SQL,
  NODE_POSTGRESQL_CONF,
  SHOP_SCHEMA_SQL,
  sampleRowsSql,
} from '../src/engine/index.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = resolve(root, 'public/snapshot/cluster.tar');
const stamp = `${out}.sha256`;

const pgliteVersion = JSON.parse(readFileSync(resolve(root, 'node_modules/@electric-sql/pglite/package.json'), 'utf8'))
  .version as string;
const hash = createHash('sha256')
  .update(
    [
      // Bump when the way the snapshot is made changes.
      'format 4: DDL capture, standby guards, console functions',
      pgliteVersion,
      NODE_POSTGRESQL_CONF.join('\n'),
      SHOP_SCHEMA_SQL,
      CAPTURE_SQL,
      NODE_FUNCTIONS_SQL,
      sampleRowsSql(),
    ].join('\n--\n'),
  )
  .digest('hex');

if (existsSync(out) && existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) {
  console.error(`snapshot up to date: ${out}`);
  process.exit(0);
}

const started = performance.now();
const pg = await PGlite.create({
  initDbStartParams: ['--wal-segsize=1'],
  postgresqlconf: NODE_POSTGRESQL_CONF,
  extensions: { pg_walinspect },
});
await pg.exec('CREATE EXTENSION pg_walinspect;');
await pg.exec(SHOP_SCHEMA_SQL);
await pg.exec(sampleRowsSql());
await pg.exec(CAPTURE_SQL);
await pg.exec(NODE_FUNCTIONS_SQL);
for (const db of ['template0', 'template1']) {
  if (db === 'template0') await pg.exec(`UPDATE pg_database SET datistemplate = false WHERE datname = 'template0'`);
  await pg.exec(`UPDATE pg_database SET datistemplate = false WHERE datname = '${db}'`);
  await pg.exec(`DROP DATABASE ${db}`);
}
await pg.exec('CHECKPOINT');
await dropSpareWalSegments(pg);
const dump = await pg.dumpDataDir('none');
await pg.close();
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, Buffer.from(await dump.arrayBuffer()));
writeFileSync(stamp, hash);
console.error(
  `snapshot written: ${out} (${(dump.size / 1e6).toFixed(1)} MB in ${Math.round(performance.now() - started)} ms)`,
);

/**
 * After the checkpoint, recovery needs the segments from its redo point to the current
 * insert position (one segment here); the other segment files are spares PostgreSQL pre-allocated for later (it creates new ones when they are
 * missing). Removes them through PGlite's in-memory file system (`mod.FS`, not a public
 * API: when it is absent the snapshot just stays larger).
 */
async function dropSpareWalSegments(db: PGlite): Promise<void> {
  const { rows } = await db.query<{ current: string; redo: string; dir: string }>(
    `SELECT pg_walfile_name(pg_current_wal_insert_lsn()) AS current, redo_wal_file AS redo,
            current_setting('data_directory') AS dir
       FROM pg_control_checkpoint()`,
  );
  const fs = (db as unknown as { mod?: { FS?: { readdir(p: string): string[]; unlink(p: string): void } } }).mod?.FS;
  if (!fs) {
    console.error('snapshot: PGlite has no mod.FS here; keeping every WAL segment');
    return;
  }
  // Recovery starts at the checkpoint's redo point and reads on to the end of the WAL.
  const { current, redo, dir } = rows[0];
  const keep = new Set([current, redo]);
  for (const name of fs.readdir(`${dir}/pg_wal`)) {
    if (/^[0-9A-F]{24}$/.test(name) && !keep.has(name)) fs.unlink(`${dir}/pg_wal/${name}`);
  }
}
