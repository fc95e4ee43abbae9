/**
 * The online shop's schema from the seed document (users, products, orders, order_items,
 * inventory), its sample rows, and the SQL that Replica Lab adds to every node: the
 * change-capture trigger and the read helpers. Plain SQL strings only: no I/O here.
 */

/** Tables that replication copies, each with its primary-key columns, in FK order. */
export const REPLICATED_TABLES: ReadonlyArray<{ name: string; key: readonly string[] }> = [
  { name: 'users', key: ['user_id'] },
  { name: 'products', key: ['product_id'] },
  { name: 'inventory', key: ['product_id'] },
  { name: 'orders', key: ['order_id'] },
  { name: 'order_items', key: ['order_item_id'] },
];

/** Settings saved in the snapshot's postgresql.conf (small memory per node). */
export const NODE_POSTGRESQL_CONF = [
  'shared_buffers = 8MB',
  'wal_buffers = 256kB',
  'max_wal_size = 32MB',
  'min_wal_size = 4MB',
  'wal_keep_size = 16MB',
];

export const SHOP_SCHEMA_SQL = `
CREATE TABLE users (
  user_id     integer PRIMARY KEY,
  name        text NOT NULL,
  email       text NOT NULL UNIQUE,
  region      text NOT NULL
);
CREATE TABLE products (
  product_id  integer PRIMARY KEY,
  name        text NOT NULL,
  category    text NOT NULL,
  price       numeric(10,2) NOT NULL
);
CREATE TABLE inventory (
  product_id  integer PRIMARY KEY REFERENCES products,
  quantity    integer NOT NULL CHECK (quantity >= 0)
);
CREATE TABLE orders (
  order_id     serial PRIMARY KEY,
  user_id      integer NOT NULL REFERENCES users,
  total_amount numeric(10,2) NOT NULL,
  status       text NOT NULL DEFAULT 'PENDING',
  created_at   timestamptz NOT NULL
);
CREATE INDEX orders_user_id_idx ON orders (user_id);
CREATE TABLE order_items (
  order_item_id serial PRIMARY KEY,
  order_id      integer NOT NULL REFERENCES orders,
  product_id    integer NOT NULL REFERENCES products,
  quantity      integer NOT NULL,
  unit_price    numeric(10,2) NOT NULL
);
CREATE INDEX order_items_order_id_idx ON order_items (order_id);
`;

const REGIONS = ['us-east', 'us-west', 'europe', 'asia'];
const CATEGORIES = ['Electronics', 'Fashion', 'Home & Kitchen', 'Books & Media'];
const PRODUCT_NAMES = [
  'Laptop',
  'Phone',
  'Headphones',
  'Monitor',
  'Sneakers',
  'Jacket',
  'T-shirt',
  'Backpack',
  'Blender',
  'Coffee maker',
  'Frying pan',
  'Desk lamp',
  'Novel',
  'Cookbook',
  'Board game',
  'Vinyl record',
];

/** Sample rows: users 1000-1019 (the seed's user ids), 16 products with stock. */
export function sampleRowsSql(): string {
  const users = Array.from({ length: 20 }, (_, i) => {
    const id = 1000 + i;
    return `(${id}, 'User ${id}', 'user${id}@example.com', '${REGIONS[i % REGIONS.length]}')`;
  });
  const products = PRODUCT_NAMES.map((name, i) => {
    const price = (9.9 + i * 7.5).toFixed(2);
    return `(${i + 1}, '${name}', '${CATEGORIES[Math.floor(i / 4)]}', ${price})`;
  });
  const stock = PRODUCT_NAMES.map((_, i) => `(${i + 1}, ${100 + i * 10})`);
  return [
    `INSERT INTO users VALUES ${users.join(', ')};`,
    `INSERT INTO products VALUES ${products.join(', ')};`,
    `INSERT INTO inventory VALUES ${stock.join(', ')};`,
  ].join('\n');
}

/**
 * SQL that makes the shop have `users` customers instead of the snapshot's 20 (run on
 * every node at boot, before replication starts, triggers off so nothing is captured);
 * the new users follow the sample rows' pattern.
 */
export function shopUsersSql(users: number): string {
  const first = 1000;
  const body =
    users > 20
      ? `INSERT INTO users SELECT g, 'User ' || g, 'user' || g || '@example.com',
           (ARRAY['${REGIONS.join("','")}'])[(g - ${first}) % ${REGIONS.length} + 1]
         FROM generate_series(${first + 20}, ${first + users - 1}) AS g;`
      : `DELETE FROM users WHERE user_id >= ${first + users};`;
  return `BEGIN READ WRITE;\nSET LOCAL session_replication_role = replica;\n${body}\nCOMMIT;`;
}

/**
 * Change capture: statement-level AFTER triggers with transition tables on every
 * replicated table append the statement's row images, the transaction id and the WAL
 * insert position to a session setting (`replica_lab.captured`), in the same transaction
 * as the write: a rolled-back write leaves nothing behind, because settings changed in an
 * aborted transaction revert. Nothing is written to a table, so capture adds no records
 * to the WAL that learners inspect, and a 10,000-row UPDATE is captured in one step.
 * For UPDATE, the n-th old row pairs with the n-th new row (PostgreSQL stores both
 * transition rows together, in modification order).
 */
export const CAPTURE_SQL = `
CREATE SCHEMA replica_lab;
CREATE FUNCTION replica_lab.capture() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  rows_json text;
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT json_agg(n)::text INTO rows_json FROM new_rows AS n;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT json_agg(o)::text INTO rows_json FROM old_rows AS o;
  ELSIF TG_OP = 'UPDATE' THEN
    SELECT json_agg(json_build_array(o.r, n.r))::text INTO rows_json
      FROM (SELECT row_number() OVER () AS i, to_json(o) AS r FROM old_rows AS o) AS o
      JOIN (SELECT row_number() OVER () AS i, to_json(n) AS r FROM new_rows AS n) AS n USING (i);
  ELSE
    rows_json := '[]';
  END IF;
  IF rows_json IS NOT NULL THEN
    PERFORM set_config('replica_lab.captured',
      coalesce(current_setting('replica_lab.captured', true), '')
        || '[' || pg_current_xact_id()::text || ',"' || pg_current_wal_insert_lsn()::text || '","'
        || TG_TABLE_NAME || '","' || TG_OP || '",' || rows_json || '],',
      false);
  END IF;
  RETURN NULL;
END
$fn$;
`;

/**
 * The app's own inserts capture their rows from their RETURNING clause instead (one
 * statement, no trigger call: see NodeCore.insert); they switch the triggers off for the
 * session with `SET replica_lab.capture = 'off'`, and console writes switch them back on.
 */
const CAPTURE_ON = "WHEN (current_setting('replica_lab.capture', true) IS DISTINCT FROM 'off')";

/**
 * What makes a node behave as PostgreSQL does beyond its tables, installed with the
 * capture function:
 * - DDL replicates: streaming replication is physical, so a schema change reaches the
 *   standbys like any other WAL. Here an event trigger logs each DDL statement's text in
 *   the capture buffer, in order with the row changes (the console runs one statement per
 *   call, so `current_query()` is that statement), and a new table gets the capture and
 *   guard triggers at once (`install_triggers`, also run by a replica after applying DDL,
 *   so a promoted replica captures the table too).
 * - A replica refuses writes as a hot standby does, whatever the session was talked into
 *   (the guard triggers and the DDL guard fire when `replica_lab.role` is 'replica'; a
 *   replica's own apply runs with `session_replication_role = replica`, so they stay quiet).
 * - On a replica, `pg_is_in_recovery()` is true and `pg_last_wal_replay_lsn()` is the replay
 *   position: a replica puts `replica_lab_standby` first on its search path.
 * - The console's `pg_sleep` honours `statement_timeout` (PGlite has no signals, so the
 *   server cannot interrupt a statement itself): `replica_lab_console` comes first on the
 *   console's search path, and the lab caps the timeout so nothing freezes the clock long.
 */
export const NODE_FUNCTIONS_SQL = `
CREATE FUNCTION replica_lab.refuse_on_standby() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION 'cannot execute % in a read-only transaction', TG_OP USING ERRCODE = '25006';
END
$fn$;
CREATE FUNCTION replica_lab.install_triggers() RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE
  t regclass;
BEGIN
  PERFORM set_config('replica_lab.installing', 'on', true);
  FOR t IN SELECT c.oid::regclass FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
              AND NOT EXISTS (SELECT 1 FROM pg_trigger g WHERE g.tgrelid = c.oid AND g.tgname = 'replica_lab_capture_insert')
  LOOP
    EXECUTE format('CREATE TRIGGER replica_lab_capture_insert AFTER INSERT ON %s REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT ${CAPTURE_ON.replaceAll("'", "''")} EXECUTE FUNCTION replica_lab.capture()', t);
    EXECUTE format('CREATE TRIGGER replica_lab_capture_update AFTER UPDATE ON %s REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT ${CAPTURE_ON.replaceAll("'", "''")} EXECUTE FUNCTION replica_lab.capture()', t);
    EXECUTE format('CREATE TRIGGER replica_lab_capture_delete AFTER DELETE ON %s REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT ${CAPTURE_ON.replaceAll("'", "''")} EXECUTE FUNCTION replica_lab.capture()', t);
    EXECUTE format('CREATE TRIGGER replica_lab_capture_truncate AFTER TRUNCATE ON %s FOR EACH STATEMENT ${CAPTURE_ON.replaceAll("'", "''")} EXECUTE FUNCTION replica_lab.capture()', t);
    EXECUTE format('CREATE TRIGGER replica_lab_standby_guard BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON %s FOR EACH STATEMENT WHEN (current_setting(''replica_lab.role'', true) = ''replica'') EXECUTE FUNCTION replica_lab.refuse_on_standby()', t);
  END LOOP;
  PERFORM set_config('replica_lab.installing', 'off', true);
END
$fn$;
CREATE FUNCTION replica_lab.capture_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF current_setting('replica_lab.installing', true) = 'on'
     OR current_setting('replica_lab.capture', true) IS NOT DISTINCT FROM 'off' THEN
    RETURN;
  END IF;
  PERFORM replica_lab.install_triggers();
  PERFORM set_config('replica_lab.captured',
    coalesce(current_setting('replica_lab.captured', true), '')
      || json_build_array(pg_current_xact_id()::text::bigint, pg_current_wal_insert_lsn()::text, '', 'DDL',
                          rtrim(btrim(current_query(), E' \t\r\n'), ';'))::text || ',',
    false);
END
$fn$;
CREATE FUNCTION replica_lab.refuse_ddl_on_standby() RETURNS event_trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF current_setting('replica_lab.role', true) = 'replica' THEN
    RAISE EXCEPTION 'cannot execute % in a read-only transaction', tg_tag USING ERRCODE = '25006';
  END IF;
END
$fn$;
CREATE EVENT TRIGGER replica_lab_ddl ON ddl_command_end EXECUTE FUNCTION replica_lab.capture_ddl();
CREATE EVENT TRIGGER replica_lab_standby_ddl ON ddl_command_start EXECUTE FUNCTION replica_lab.refuse_ddl_on_standby();
CREATE SCHEMA replica_lab_standby;
CREATE FUNCTION replica_lab_standby.pg_is_in_recovery() RETURNS boolean LANGUAGE sql STABLE AS $fn$ SELECT true $fn$;
CREATE FUNCTION replica_lab_standby.pg_last_wal_replay_lsn() RETURNS pg_lsn LANGUAGE sql STABLE
  AS $fn$ SELECT nullif(current_setting('replica_lab.replay_lsn', true), '')::pg_lsn $fn$;
CREATE SCHEMA replica_lab_console;
CREATE FUNCTION replica_lab_console.timeout_s() RETURNS double precision LANGUAGE sql STABLE AS $fn$
  SELECT least(coalesce(nullif(extract(epoch FROM current_setting('statement_timeout')::interval), 0),
                        current_setting('replica_lab.max_timeout_s')::double precision),
               current_setting('replica_lab.max_timeout_s')::double precision)
$fn$;
CREATE FUNCTION replica_lab_console.pg_sleep(seconds double precision) RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  IF seconds > replica_lab_console.timeout_s() THEN
    PERFORM pg_catalog.pg_sleep(replica_lab_console.timeout_s());
    RAISE EXCEPTION 'canceling statement due to statement timeout' USING ERRCODE = '57014';
  END IF;
  PERFORM pg_catalog.pg_sleep(seconds);
END
$fn$;
CREATE FUNCTION replica_lab_console.pg_sleep_for(d interval) RETURNS void LANGUAGE sql
  AS $fn$ SELECT replica_lab_console.pg_sleep(extract(epoch FROM d)::double precision) $fn$;
CREATE FUNCTION replica_lab_console.pg_sleep_until(t timestamptz) RETURNS void LANGUAGE sql
  AS $fn$ SELECT replica_lab_console.pg_sleep(greatest(0, extract(epoch FROM t - clock_timestamp()))::double precision) $fn$;
SELECT replica_lab.install_triggers();
`;

/**
 * Returns what was captured since the last call and clears it: the WAL insert position
 * (after the last commit) and a JSON array of `[xid, lsn, table, op, rows]` statements.
 */
export const TAKE_CAPTURED_SQL = `SELECT pg_current_wal_insert_lsn()::text AS end_lsn,
  '[' || rtrim(coalesce(current_setting('replica_lab.captured', true), ''), ',') || ']' AS captured,
  set_config('replica_lab.captured', '', false) AS cleared`;
