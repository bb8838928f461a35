/**
 * The SQL the PostgreSQL backend runs, per schema. Every write that must be atomic is one
 * statement (one round trip, one commit): a group commit moves each thread's head from the seq its
 * writer expected to the new one (a compare-and-set on the thread's row, checked under the row
 * lock, so two writers can never both extend the same head) and inserts the entries of exactly
 * the threads whose head moved; the `(thread_id, seq)` primary key backs it up.
 */

export interface Statements {
  channel: string;
  groupCommit: string;
  refused: string;
  createThread: string;
  fork: string;
  thread: string;
  threads: string;
  head: string;
  rename: string;
  lineage: string;
  readEntries: string;
  snapshot: string;
  snapshotParts: string;
  acquireLease: string;
  leaseHolder: string;
  renewLeases: string;
  releaseLease: string;
  leases: string;
}

const THREAD_COLUMNS = "id, parent_id, fork_seq, head_seq, name, created_at";

export function statements(s: string): Statements {
  return {
    /** NOTIFY channel of the schema's commits; payload `<head>:<threadId>`. */
    channel: `${s}_appends`,

    // $1 thread ids, $2 expected heads, $3 new heads, $4 lease tokens (null: no lease held), $5 owner;
    // $6..$8 entries (thread id, seq, JSON); $9..$12 snapshots (thread id, seq, JSON, the seq up to
    // which the writer knows the thread committed); $13 the NOTIFY channel; $14, $15 snapshot parts
    // (key, JSON: a key stored already holds the same JSON, so it is left as it is).
    // A thread whose writer holds no lease may be written only while nobody holds a live one.
    groupCommit: `
      WITH input AS (
        SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[]) AS i(id, old_head, new_head, token)
      ), moved AS (
        UPDATE ${s}.threads t SET head_seq = i.new_head
        FROM input i
        WHERE t.id = i.id AND t.head_seq = i.old_head
          AND CASE WHEN i.token IS NULL THEN t.lease_expires_at IS NULL OR t.lease_expires_at <= now()
                   ELSE t.lease_token = i.token AND t.lease_owner = $5 AND t.lease_expires_at > now() END
        RETURNING t.id, t.head_seq
      ), written AS (
        INSERT INTO ${s}.entries (thread_id, seq, entry)
        SELECT e.thread_id, e.seq, e.entry
        FROM unnest($6::text[], $7::bigint[], $8::text[]) AS e(thread_id, seq, entry)
        JOIN moved m ON m.id = e.thread_id
      ), snapped AS (
        INSERT INTO ${s}.snapshots (thread_id, seq, data)
        SELECT p.thread_id, p.seq, p.data
        FROM unnest($9::text[], $10::bigint[], $11::text[], $12::bigint[]) AS p(thread_id, seq, data, bound)
        LEFT JOIN moved m ON m.id = p.thread_id
        WHERE p.seq <= GREATEST(p.bound, COALESCE(m.head_seq, 0))
        ON CONFLICT (thread_id, seq) DO UPDATE SET data = EXCLUDED.data
      ), parted AS (
        INSERT INTO ${s}.snapshot_parts (key, data)
        SELECT * FROM unnest($14::text[], $15::text[])
        ON CONFLICT (key) DO NOTHING
      ), notified AS (
        SELECT count(pg_notify($13, m.head_seq || ':' || m.id)) AS n FROM moved m
      )
      SELECT m.id, m.head_seq FROM moved m CROSS JOIN notified`,
    // Why the threads of a group commit that did not move were refused, read after it committed (so
    // a head another writer moved concurrently is seen as it really is).
    refused: `
      SELECT id, head_seq, lease_owner, lease_token, lease_expires_at, lease_expires_at > now() AS lease_live
      FROM ${s}.threads WHERE id = ANY($1::text[])`,

    createThread: `INSERT INTO ${s}.threads (id, head_seq, name, created_at) VALUES ($1, 0, $2, $3)`,
    // The fork point is checked against the committed head in the same statement.
    fork: `
      INSERT INTO ${s}.threads (id, parent_id, fork_seq, head_seq, name, created_at)
      SELECT $1, p.id, $3, $3, $4, $5 FROM ${s}.threads p WHERE p.id = $2 AND p.head_seq >= $3`,
    thread: `SELECT ${THREAD_COLUMNS} FROM ${s}.threads WHERE id = $1`,
    threads: `SELECT ${THREAD_COLUMNS} FROM ${s}.threads`,
    head: `SELECT head_seq FROM ${s}.threads WHERE id = $1`,
    rename: `UPDATE ${s}.threads SET name = $2 WHERE id = $1 RETURNING ${THREAD_COLUMNS}`,
    // The thread and its ancestors, nearest first.
    lineage: `
      WITH RECURSIVE lineage AS (
        SELECT id, parent_id, fork_seq, head_seq, 0 AS depth FROM ${s}.threads WHERE id = $1
        UNION ALL
        SELECT p.id, p.parent_id, p.fork_seq, p.head_seq, l.depth + 1
        FROM ${s}.threads p JOIN lineage l ON p.id = l.parent_id
      )
      SELECT id, parent_id, fork_seq, head_seq FROM lineage ORDER BY depth`,
    readEntries: `SELECT entry FROM ${s}.entries WHERE thread_id = $1 AND seq >= $2 AND seq <= $3 ORDER BY seq`,
    // The newest snapshot at or before $2 along the fork chain: each ancestor counts up to the
    // fork point of its child. The first column tells an unknown thread from one without snapshots.
    snapshot: `
      WITH RECURSIVE lineage AS (
        SELECT id, parent_id, fork_seq, $2::bigint AS bound FROM ${s}.threads WHERE id = $1
        UNION ALL
        SELECT p.id, p.parent_id, p.fork_seq, LEAST(l.bound, l.fork_seq)
        FROM ${s}.threads p JOIN lineage l ON p.id = l.parent_id
      ), best AS (
        SELECT s.seq, s.data FROM ${s}.snapshots s JOIN lineage l ON s.thread_id = l.id AND s.seq <= l.bound
        ORDER BY s.seq DESC LIMIT 1
      )
      SELECT l.id, b.seq, b.data FROM (SELECT id FROM lineage LIMIT 1) l LEFT JOIN best b ON true`,
    snapshotParts: `SELECT key, data FROM ${s}.snapshot_parts WHERE key = ANY($1::text[])`,

    // $1 thread, $2 owner, $3 ttl ms. The same owner may take its own lease again (a restarted
    // worker with a fixed name); the token grows, fencing out whatever wrote with the old one.
    acquireLease: `
      UPDATE ${s}.threads
      SET lease_owner = $2, lease_token = lease_token + 1, lease_expires_at = now() + $3 * interval '1 millisecond'
      WHERE id = $1 AND (lease_owner IS NULL OR lease_expires_at IS NULL OR lease_expires_at <= now() OR lease_owner = $2)
      RETURNING lease_token, lease_expires_at`,
    leaseHolder: `SELECT lease_owner, lease_expires_at FROM ${s}.threads WHERE id = $1`,
    // $1 thread ids, $2 tokens, $3 ttl ms, $4 owner: extends the leases still held, returns them.
    renewLeases: `
      UPDATE ${s}.threads t SET lease_expires_at = now() + $3 * interval '1 millisecond'
      FROM unnest($1::text[], $2::bigint[]) AS h(id, token)
      WHERE t.id = h.id AND t.lease_token = h.token AND t.lease_owner = $4 AND t.lease_expires_at > now()
      RETURNING t.id`,
    releaseLease: `
      UPDATE ${s}.threads SET lease_owner = NULL, lease_expires_at = NULL
      WHERE id = $1 AND lease_token = $2 AND lease_owner = $3`,
    leases: `
      SELECT id, lease_owner, lease_token, lease_expires_at, lease_expires_at <= now() AS expired
      FROM ${s}.threads WHERE lease_owner IS NOT NULL ORDER BY lease_expires_at, id`,
  };
}
