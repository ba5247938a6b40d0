"""Stats from rollups (issue 15, point 3): `stats` and `stats --team` ≤ 300 ms at 10M touches.

The figures summed over the rep's calls (dials, connects, … per day, the best hour)
read `call_tally`: per rep, per UTC hour (`"at" / 3600000`), per outcome and per
hour of the lead's local day, how many calls. A UTC hour serves every zone: a
period's whole hours come from the rollup and the pieces of an hour a local
midnight cuts (zones at :30 or :45, the hour up to `now`) from the touches
(`reads/stats/rollup.py`), so DST days and a change of the rep's zone need nothing.

Figures that cannot be summed keep a per-lead fact instead:
- speed to lead (a median): `lead.first_attempt_at`, the lead's first call, email or
  letter, with an index on (received_at, owner_id, first_attempt_at): the median is
  read off the leads received in the period without touching `touch`;
- dials before the first connect: `first_connect`, one row per lead ever reached
  (its first connect by time then id, the rep, the calls before it).

Triggers keep all three on both engines, so every writer — log, undo, edit, import,
demo, restore, merge, the shift, hand-offs, raw SQL — keeps them exact. A whole-row
save of a lead (every outcome saves the lead it loaded before its touch) cannot
write a stale `first_attempt_at`: a change of that column is recomputed from the
touches (SQLite: an AFTER UPDATE trigger; PostgreSQL: BEFORE UPDATE sets it).
The demo drops the insert triggers for its fill and rebuilds once at the end
(`store/rollups.bulk_rollups`), as it does for the search index.

The abandoned figure gets a partial index over the few leads it can count.
"""

import peewee as pw

CONNECTS = "('connected', 'callback', 'appointment', 'not-interested', 'dnc', 'won')"
ATTEMPTS = "('call', 'email', 'letter')"
WRONG = "'wrong-number'"
HOUR_MS = 3_600_000

SQLITE_LOCAL_HOUR = (
    "CASE WHEN substr({t}.lead_local, 12, 2) GLOB '[0-9][0-9]' "
    "THEN CAST(substr({t}.lead_local, 12, 2) AS INTEGER) ELSE -1 END"
)
PG_LOCAL_HOUR = (
    "CASE WHEN substr({t}.lead_local, 12, 2) ~ '^[0-9][0-9]$' "
    "THEN CAST(substr({t}.lead_local, 12, 2) AS INTEGER) ELSE -1 END"
)

# Everything derived from touches, rebuilt from them (the migration; bulk fills).
TALLY_FROM = """SELECT rep_id, "at" / {hour}, outcome, {local} AS local_hour, COUNT(*) FROM touch t
    WHERE channel = 'call' AND rep_id IS NOT NULL {more}
    GROUP BY rep_id, "at" / {hour}, outcome, {local}"""
FIRST_ATTEMPT = """UPDATE lead SET first_attempt_at = f.first FROM (
    SELECT lead_id, MIN("at") AS first FROM touch WHERE channel IN {attempts} {more}
    GROUP BY lead_id) f
    WHERE lead.id = f.lead_id
      AND (lead.first_attempt_at IS NULL OR lead.first_attempt_at > f.first)"""


def first_connect_sql(lead: str) -> str:
    """The lead's first connect (by time, then id) and the calls before it: one row or none
    (none while the lead itself is being deleted: its touches go after it)."""
    return f"""SELECT c.lead_id, c."at", c.rep_id,
        (SELECT COUNT(*) FROM touch p WHERE p.lead_id = c.lead_id AND p."at" < c."at"
           AND p.channel = 'call' AND p.outcome <> {WRONG})
      FROM touch c WHERE c.lead_id = {lead} AND c.channel = 'call' AND c.outcome IN {CONNECTS}
        AND EXISTS (SELECT 1 FROM lead l WHERE l.id = c.lead_id)
      ORDER BY c."at", c.id LIMIT 1"""


FIRST_CONNECTS = f"""INSERT INTO first_connect (lead_id, "at", rep_id, calls_before)
    SELECT f.lead_id, f."at", f.rep_id,
      (SELECT COUNT(*) FROM touch p WHERE p.lead_id = f.lead_id AND p."at" < f."at"
         AND p.channel = 'call' AND p.outcome <> {WRONG})
    FROM (SELECT lead_id, "at", rep_id,
            ROW_NUMBER() OVER (PARTITION BY lead_id ORDER BY "at", id) AS k
          FROM touch WHERE channel = 'call' AND outcome IN {CONNECTS}) f
    WHERE f.k = 1"""


NO_ATTEMPT = -1_000_000_000  # speed_tally.m of a lead not attempted yet


def _speed_key(row: str) -> str:
    return (
        f"COALESCE({row}.owner_id, 0), {row}.received_at / {HOUR_MS}, "
        f"COALESCE(({row}.first_attempt_at - {row}.received_at) / 60000, {NO_ATTEMPT})"
    )


def _speed_add(row: str) -> str:
    return f"""INSERT INTO speed_tally (owner, hour, m, n) VALUES ({_speed_key(row)}, 1)
          ON CONFLICT (hour, owner, m) DO UPDATE SET n = speed_tally.n + 1;"""


def _speed_take(row: str) -> str:
    return f"""UPDATE speed_tally SET n = n - 1 WHERE (owner, hour, m) = ({_speed_key(row)});"""


def _status_add(row: str) -> str:
    return f"""INSERT INTO status_tally (status, n) VALUES ({row}.status, 1)
          ON CONFLICT (status) DO UPDATE SET n = status_tally.n + 1;"""


def _status_take(row: str) -> str:
    return f"UPDATE status_tally SET n = n - 1 WHERE status = {row}.status;"


def _lead_add(row: str) -> str:
    return _speed_add(row) + _status_add(row)


def _lead_take(row: str) -> str:
    return _speed_take(row) + _status_take(row)


# PostgreSQL: two reps' writes run at once, so a lead's move takes its tally rows in one
# order every transaction follows (speed rows by key, then status rows by name): two
# opposite moves (new -> working, working -> new) then wait for each other, never deadlock.
PG_LEAD_MOVE = f"""IF ({_speed_key("NEW")}) < ({_speed_key("OLD")}) THEN
            {_speed_add("NEW")} {_speed_take("OLD")}
          ELSE {_speed_take("OLD")} {_speed_add("NEW")} END IF;
          IF NEW.status < OLD.status THEN {_status_add("NEW")} {_status_take("OLD")}
          ELSE {_status_take("OLD")} {_status_add("NEW")} END IF;"""


LEAD_CHANGED = (
    "OLD.owner_id IS NOT NEW.owner_id OR OLD.received_at <> NEW.received_at"
    " OR OLD.first_attempt_at IS NOT NEW.first_attempt_at OR OLD.status <> NEW.status"
)
SPEED_FROM = f"""SELECT COALESCE(owner_id, 0), received_at / {HOUR_MS},
      COALESCE((first_attempt_at - received_at) / 60000, {NO_ATTEMPT}), COUNT(*) FROM lead
    GROUP BY COALESCE(owner_id, 0), received_at / {HOUR_MS},
      COALESCE((first_attempt_at - received_at) / 60000, {NO_ATTEMPT})"""


STATUS_FROM = (
    "INSERT INTO status_tally (status, n) SELECT status, COUNT(*) FROM lead GROUP BY status"
)


CONNECT_FROM = f"""INSERT INTO connect_tally (rep_id, hour, calls_before, n)
    SELECT rep_id, "at" / {HOUR_MS}, calls_before, COUNT(*) FROM first_connect
    WHERE rep_id IS NOT NULL GROUP BY rep_id, "at" / {HOUR_MS}, calls_before"""


def _connect_add(row: str) -> str:
    return f"""INSERT INTO connect_tally (rep_id, hour, calls_before, n)
          SELECT {row}.rep_id, {row}."at" / {HOUR_MS}, {row}.calls_before, 1
          WHERE {row}.rep_id IS NOT NULL
          ON CONFLICT (rep_id, hour, calls_before) DO UPDATE SET n = connect_tally.n + 1;"""


def _connect_take(row: str) -> str:
    return f"""UPDATE connect_tally SET n = n - 1 WHERE rep_id = {row}.rep_id
          AND hour = {row}."at" / {HOUR_MS} AND calls_before = {row}.calls_before;"""


def _sqlite_triggers() -> list[str]:
    local_new = SQLITE_LOCAL_HOUR.format(t="NEW")
    local_old = SQLITE_LOCAL_HOUR.format(t="OLD")
    add = f"""INSERT INTO call_tally (rep_id, hour, outcome, local_hour, n)
        SELECT NEW.rep_id, NEW."at" / {HOUR_MS}, NEW.outcome, {local_new}, 1
        WHERE NEW.channel = 'call' AND NEW.rep_id IS NOT NULL
        ON CONFLICT (rep_id, hour, outcome, local_hour) DO UPDATE SET n = n + 1;"""
    take = f"""UPDATE call_tally SET n = n - 1 WHERE OLD.channel = 'call'
        AND rep_id = OLD.rep_id AND hour = OLD."at" / {HOUR_MS} AND outcome = OLD.outcome
        AND local_hour = {local_old};"""
    min_attempt = (
        """(SELECT MIN("at") FROM touch WHERE lead_id = {id} AND channel IN """ + ATTEMPTS + ")"
    )

    def connect_again(lead: str) -> str:
        return f"""DELETE FROM first_connect WHERE lead_id = {lead};
        INSERT INTO first_connect (lead_id, "at", rep_id, calls_before)
        {first_connect_sql(lead)};"""

    return [
        f"""CREATE TRIGGER stats_touch_insert AFTER INSERT ON touch BEGIN
        {add}
        UPDATE lead SET first_attempt_at = NEW."at" WHERE id = NEW.lead_id
          AND NEW.channel IN {ATTEMPTS}
          AND (first_attempt_at IS NULL OR first_attempt_at > NEW."at");
        END""",
        f"""CREATE TRIGGER stats_touch_connect AFTER INSERT ON touch
        WHEN NEW.channel = 'call' AND (
          (NEW.outcome IN {CONNECTS} AND NOT EXISTS (SELECT 1 FROM first_connect f
             WHERE f.lead_id = NEW.lead_id AND f."at" < NEW."at"))
          OR EXISTS (SELECT 1 FROM first_connect f
             WHERE f.lead_id = NEW.lead_id AND f."at" > NEW."at"))
        BEGIN {connect_again("NEW.lead_id")} END""",
        f"""CREATE TRIGGER stats_touch_delete AFTER DELETE ON touch BEGIN
        {take}
        UPDATE lead SET first_attempt_at = {min_attempt.format(id="OLD.lead_id")}
          WHERE id = OLD.lead_id AND OLD.channel IN {ATTEMPTS}
            AND first_attempt_at >= OLD."at";
        END""",
        f"""CREATE TRIGGER stats_touch_delete_connect AFTER DELETE ON touch
        WHEN OLD.channel = 'call' AND EXISTS (SELECT 1 FROM first_connect f
          WHERE f.lead_id = OLD.lead_id AND f."at" >= OLD."at")
        BEGIN {connect_again("OLD.lead_id")} END""",
        f"""CREATE TRIGGER stats_touch_update
        AFTER UPDATE OF lead_id, "at", channel, outcome, rep_id, lead_local ON touch BEGIN
        {take}
        {add}
        UPDATE lead SET first_attempt_at = {min_attempt.format(id="lead.id")}
          WHERE id IN (OLD.lead_id, NEW.lead_id);
        {connect_again("OLD.lead_id")}
        {connect_again("NEW.lead_id")}
        END""",
        # A lead saved whole after its touch was written carries the value it was
        # loaded with: a change of the column is recomputed from the touches.
        f"""CREATE TRIGGER stats_lead_first_attempt AFTER UPDATE OF first_attempt_at ON lead
        WHEN NEW.first_attempt_at IS NOT OLD.first_attempt_at BEGIN
        UPDATE lead SET first_attempt_at = {min_attempt.format(id="NEW.id")} WHERE id = NEW.id;
        END""",
        f"""CREATE TRIGGER stats_lead_insert AFTER INSERT ON lead
        WHEN NEW.first_attempt_at IS NOT NULL BEGIN
        UPDATE lead SET first_attempt_at = {min_attempt.format(id="NEW.id")} WHERE id = NEW.id;
        END""",
        f"""CREATE TRIGGER stats_lead_tally_insert AFTER INSERT ON lead
        BEGIN {_lead_add("NEW")} END""",
        f"""CREATE TRIGGER stats_lead_tally_delete AFTER DELETE ON lead
        BEGIN {_lead_take("OLD")} END""",
        f"""CREATE TRIGGER stats_lead_tally_update
        AFTER UPDATE OF owner_id, received_at, first_attempt_at, status ON lead
        WHEN {LEAD_CHANGED} BEGIN {_lead_take("OLD")} {_lead_add("NEW")} END""",
        f"""CREATE TRIGGER stats_connect_insert AFTER INSERT ON first_connect
        BEGIN {_connect_add("NEW")} END""",
        f"""CREATE TRIGGER stats_connect_delete AFTER DELETE ON first_connect
        BEGIN {_connect_take("OLD")} END""",
    ]


def _pg_statements() -> list[str]:
    local_new = PG_LOCAL_HOUR.format(t="NEW")
    local_old = PG_LOCAL_HOUR.format(t="OLD")
    return [
        f"""CREATE OR REPLACE FUNCTION leaddesk_first_connect(which bigint) RETURNS void
        LANGUAGE plpgsql AS $$ BEGIN
          DELETE FROM first_connect WHERE lead_id = which;
          INSERT INTO first_connect (lead_id, "at", rep_id, calls_before)
            {first_connect_sql("which")};
        END $$""",
        f"""CREATE OR REPLACE FUNCTION leaddesk_touch_stats() RETURNS trigger
        LANGUAGE plpgsql AS $$
        DECLARE first_at bigint;
        BEGIN
          IF TG_OP <> 'INSERT' AND OLD.channel = 'call' AND OLD.rep_id IS NOT NULL THEN
            UPDATE call_tally SET n = n - 1 WHERE rep_id = OLD.rep_id
              AND hour = OLD."at" / {HOUR_MS} AND outcome = OLD.outcome
              AND local_hour = {local_old};
          END IF;
          IF TG_OP <> 'DELETE' AND NEW.channel = 'call' AND NEW.rep_id IS NOT NULL THEN
            INSERT INTO call_tally (rep_id, hour, outcome, local_hour, n)
              VALUES (NEW.rep_id, NEW."at" / {HOUR_MS}, NEW.outcome, {local_new}, 1)
              ON CONFLICT (rep_id, hour, outcome, local_hour)
              DO UPDATE SET n = call_tally.n + 1;
          END IF;
          IF TG_OP = 'INSERT' THEN
            IF NEW.channel IN {ATTEMPTS} THEN
              UPDATE lead SET first_attempt_at = NEW."at" WHERE id = NEW.lead_id
                AND (first_attempt_at IS NULL OR first_attempt_at > NEW."at");
            END IF;
            IF NEW.channel = 'call' THEN
              SELECT "at" INTO first_at FROM first_connect WHERE lead_id = NEW.lead_id;
              IF (first_at IS NULL AND NEW.outcome IN {CONNECTS})
                 OR first_at > NEW."at" OR (first_at = NEW."at" AND NEW.outcome IN {CONNECTS})
              THEN PERFORM leaddesk_first_connect(NEW.lead_id);
              END IF;
            END IF;
            RETURN NULL;
          END IF;
          -- a delete or an update: recompute the leads concerned
          UPDATE lead SET first_attempt_at = -1 WHERE id = OLD.lead_id;
          IF OLD.channel = 'call' THEN
            PERFORM leaddesk_first_connect(OLD.lead_id);
          END IF;
          IF TG_OP = 'UPDATE' THEN
            UPDATE lead SET first_attempt_at = -1 WHERE id = NEW.lead_id;
            PERFORM leaddesk_first_connect(NEW.lead_id);
          END IF;
          RETURN NULL;
        END $$""",
        """CREATE TRIGGER stats_touch AFTER INSERT OR DELETE
        OR UPDATE OF lead_id, "at", channel, outcome, rep_id, lead_local ON touch
        FOR EACH ROW EXECUTE FUNCTION leaddesk_touch_stats()""",
        # Whatever a writer sets (a stale whole-row save, -1 above), the touches decide.
        f"""CREATE OR REPLACE FUNCTION leaddesk_lead_first_attempt() RETURNS trigger
        LANGUAGE plpgsql AS $$ BEGIN
          NEW.first_attempt_at := (SELECT MIN("at") FROM touch
            WHERE lead_id = NEW.id AND channel IN {ATTEMPTS});
          RETURN NEW;
        END $$""",
        """CREATE TRIGGER stats_lead_first_attempt BEFORE UPDATE OF first_attempt_at ON lead
        FOR EACH ROW WHEN (NEW.first_attempt_at IS DISTINCT FROM OLD.first_attempt_at)
        EXECUTE FUNCTION leaddesk_lead_first_attempt()""",
        """CREATE TRIGGER stats_lead_insert BEFORE INSERT ON lead
        FOR EACH ROW WHEN (NEW.first_attempt_at IS NOT NULL)
        EXECUTE FUNCTION leaddesk_lead_first_attempt()""",
        f"""CREATE OR REPLACE FUNCTION leaddesk_lead_tallies() RETURNS trigger
        LANGUAGE plpgsql AS $$ BEGIN
          IF TG_OP = 'INSERT' THEN {_lead_add("NEW")}
          ELSIF TG_OP = 'DELETE' THEN {_lead_take("OLD")}
          ELSE {PG_LEAD_MOVE}
          END IF;
          RETURN NULL;
        END $$""",
        f"""CREATE OR REPLACE FUNCTION leaddesk_connect_tally() RETURNS trigger
        LANGUAGE plpgsql AS $$ BEGIN
          IF TG_OP = 'DELETE' THEN {_connect_take("OLD")} ELSE {_connect_add("NEW")} END IF;
          RETURN NULL;
        END $$""",
        """CREATE TRIGGER stats_connect AFTER INSERT OR DELETE ON first_connect
        FOR EACH ROW EXECUTE FUNCTION leaddesk_connect_tally()""",
        """CREATE TRIGGER stats_lead_tally AFTER INSERT OR DELETE ON lead
        FOR EACH ROW EXECUTE FUNCTION leaddesk_lead_tallies()""",
        f"""CREATE TRIGGER stats_lead_tally_update
        AFTER UPDATE OF owner_id, received_at, first_attempt_at, status ON lead
        FOR EACH ROW WHEN ({LEAD_CHANGED.replace(" IS NOT ", " IS DISTINCT FROM ")})
        EXECUTE FUNCTION leaddesk_lead_tallies()""",
    ]


def up(migrator, db):
    sqlite = isinstance(db, pw.SqliteDatabase)

    class Base(pw.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Lead(Base):
        class Meta:
            table_name = "lead"

    class CallTally(Base):
        rep_id = pw.IntegerField()
        hour = pw.BigIntegerField()
        outcome = pw.CharField()
        local_hour = pw.SmallIntegerField()
        n = pw.IntegerField(default=0)

        class Meta:
            primary_key = pw.CompositeKey("rep_id", "hour", "outcome", "local_hour")

    class FirstConnect(Base):
        lead = pw.ForeignKeyField(Lead, primary_key=True, on_delete="CASCADE")
        at = pw.BigIntegerField()
        rep_id = pw.IntegerField(null=True)
        calls_before = pw.IntegerField()

        class Meta:
            indexes = ((("rep_id", "at"), False),)

    class SpeedTally(Base):
        owner = pw.IntegerField()  # 0: the pool
        hour = pw.BigIntegerField()  # received_at // 3_600_000
        m = pw.IntegerField()  # minutes to the first attempt; NO_ATTEMPT
        n = pw.IntegerField(default=0)

        class Meta:
            primary_key = pw.CompositeKey("hour", "owner", "m")

    class StatusTally(Base):
        status = pw.CharField(primary_key=True)
        n = pw.IntegerField(default=0)

    class ConnectTally(Base):
        rep_id = pw.IntegerField()
        hour = pw.BigIntegerField()  # first_connect.at // 3_600_000
        calls_before = pw.IntegerField()
        n = pw.IntegerField(default=0)

        class Meta:
            primary_key = pw.CompositeKey("rep_id", "hour", "calls_before")

    db.create_tables([CallTally, FirstConnect, SpeedTally, StatusTally, ConnectTally])
    # A nullable column: a plain ADD COLUMN on both engines (no table copy on SQLite).
    db.execute_sql("ALTER TABLE lead ADD COLUMN first_attempt_at BIGINT")
    local = (SQLITE_LOCAL_HOUR if sqlite else PG_LOCAL_HOUR).format(t="t")
    db.execute_sql(
        "INSERT INTO call_tally (rep_id, hour, outcome, local_hour, n) "
        + TALLY_FROM.format(hour=HOUR_MS, local=local, more="")
    )
    db.execute_sql(FIRST_ATTEMPT.format(attempts=ATTEMPTS, more=""))
    db.execute_sql(FIRST_CONNECTS)
    db.execute_sql("INSERT INTO speed_tally (owner, hour, m, n) " + SPEED_FROM)
    db.execute_sql(STATUS_FROM)
    db.execute_sql(CONNECT_FROM)
    db.execute_sql("CREATE INDEX lead_first_attempt_at ON lead (first_attempt_at)")
    db.execute_sql(
        "CREATE INDEX lead_first_attempt ON lead (received_at, owner_id, first_attempt_at)"
    )
    db.execute_sql(f"CREATE INDEX lead_abandoned ON lead ({ABANDONED_COLUMNS}) WHERE {ABANDONED}")
    for statement in _sqlite_triggers() if sqlite else _pg_statements():
        db.execute_sql(statement)


# The abandoned figure's fixed conditions (reads/stats/lead_figures.abandoned_bands
# writes them out the same, so both planners use the index).
ABANDONED_COLUMNS = "last_touch_at, next_due_at, owner_id"
ABANDONED = (
    "attempts >= 1 AND attempts <= 2 AND no_count = 0 AND do_not_call = FALSE"
    " AND status NOT IN ('engaged', 'appointment', 'won', 'bad')"
)
