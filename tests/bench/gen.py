#!/usr/bin/env python3
"""gen.py: a deterministic git-migrate workload for `make bench` (DESIGN.md §7).

    gen.py --dialect sqlite|postgres --revisions N --tables T --rows R [--seed S]
           [--config-extra TEXT] DIR

creates DIR/repo, a git repository whose `production` branch holds:

  migrations/versions/   N revisions in git-migrate's format (DESIGN §3.2), one chain,
                         building T tables: enums (PostgreSQL: CREATE TYPE; SQLite: TEXT
                         plus CHECK (c IN (...))), foreign keys, indexes, unique
                         constraints, then alterations (ADD/RENAME/DROP COLUMN, CREATE/DROP
                         INDEX, enum labels added: ALTER TYPE ... ADD VALUE on PostgreSQL,
                         a table rebuild on SQLite)
  models/app.yml         YAML models (DESIGN §3.3) describing exactly the head schema
  data/<table>.csv       R fixture rows spread over the tables (header row, foreign keys
                         pointing at existing rows)

and a branch `work` (checked out) whose models add a change set on top: a new table that
reuses an enum, a new column, and a label appended to an enum — so `prepare` has a
revision to write; and a branch `work-small` with the same change but the label (on
SQLite the label rebuilds every table that uses the enum; without it nothing is rebuilt).
DIR/meta.json lists the revisions in chain order and the tables in
foreign-key order with their row counts (for the floor: DIR/repo is the workload).

The same seed, sizes and dialect always give the same files and the same commits.
"""
import argparse
import copy
import csv
import json
import os
import random
import subprocess
import sys

WORDS = [
    "orders", "items", "accounts", "invoices", "payments", "contacts", "deals", "notes",
    "events", "tickets", "projects", "tasks", "teams", "members", "products", "prices",
    "stocks", "vendors", "shipments", "returns", "refunds", "coupons", "carts", "visits",
    "sessions", "devices", "reports", "budgets", "ledgers", "regions", "stores", "routes",
]
COLUMN_WORDS = [
    "note", "score", "rank", "region", "label", "color", "weight", "sku", "source",
    "channel", "tier", "priority", "budget", "due_on", "closed_at", "external_ref",
    "summary", "quantity", "discount", "rating", "country", "city", "phone", "website",
    "position", "duration", "reviewed", "approved", "starts_on", "comment_text",
]
ENUM_WORDS = [
    "status", "kind", "phase", "level", "stage", "grade", "mode", "category", "severity",
    "plan", "currency", "channel_kind", "visibility", "tone", "shape", "zone",
]
LABELS = [
    "draft", "active", "paused", "closed", "archived", "pending", "shipped", "lost", "won",
    "open", "review", "blocked", "done", "fresh", "hold", "cancelled", "refunded", "trial",
    "gold", "silver", "bronze", "basic", "pro", "free", "low", "medium", "high", "urgent",
    "north", "south", "east", "west", "red", "green", "blue", "amber", "usd", "eur", "gbp",
    "aed", "btc", "small", "large", "huge", "tiny", "alpha", "beta", "gamma", "delta",
]
SCALAR_TYPES = ["text", "varchar(80)", "integer", "bigint", "date", "boolean",
                "numeric(10,2)", "smallint", "timestamp"]
NUMERIC = ("integer", "bigint", "smallint", "numeric(12,2)", "numeric(10,2)")


class Col:
    def __init__(self, name, type_, enum=None, nullable=True, default=None, ref=None,
                 on_delete=None, unique=False, pk=False, plain=False):
        self.name, self.type, self.enum = name, type_, enum
        self.nullable, self.default = nullable, default  # default: ("lit"|"sql", text)
        self.ref, self.on_delete = ref, on_delete
        self.unique, self.pk = unique, pk
        self.plain = plain  # added later, nothing depends on it: may be renamed/dropped


class Table:
    def __init__(self, index, name):
        self.index, self.name = index, name
        self.cols, self.checks, self.indexes = [], [], []  # indexes: dicts name/cols/unique

    def col(self, name):
        return next((c for c in self.cols if c.name == name), None)

    def indexed(self, name):
        return any(name in ix["cols"] for ix in self.indexes)

    def fresh_name(self, word):
        name, k = word, 2
        while self.col(name) is not None:
            name, k = "%s_%d" % (word, k), k + 1
        return name


def q(s):
    return "'" + s.replace("'", "''") + "'"


class Gen:
    def __init__(self, dialect, seed):
        self.dialect, self.rnd = dialect, random.Random(seed)
        self.enums = {}       # name -> labels (only enums some column has used)
        self.enum_pool = []   # (name, labels) not yet created
        self.tables = []
        self.label_pool = list(LABELS)
        self.rnd.shuffle(self.label_pool)

    # ---- SQL rendering ------------------------------------------------------------------
    def col_sql(self, c):
        pg = self.dialect == "postgres"
        parts = [c.name, (c.enum if pg else "text") if c.enum else c.type]
        if c.pk:
            parts.append("PRIMARY KEY")
        elif not c.nullable:
            parts.append("NOT NULL")
        if c.unique:
            parts.append("UNIQUE")
        if c.default:
            kind, val = c.default
            if kind == "sql" or c.type in NUMERIC:
                parts.append("DEFAULT " + val)
            elif c.type == "boolean":
                parts.append("DEFAULT " + val)
            else:
                parts.append("DEFAULT " + q(val))
        if c.enum and not pg:
            parts.append("CHECK (%s IN (%s))" % (c.name, ", ".join(q(l) for l in self.enums[c.enum])))
        if c.ref:
            parts.append("REFERENCES %s (id)" % c.ref)
            if c.on_delete:
                parts.append("ON DELETE " + c.on_delete.upper())
        return " ".join(parts)

    def create_table_sql(self, t, name=None):
        lines = ["    " + self.col_sql(c) for c in t.cols]
        lines += ["    CONSTRAINT %s CHECK (%s)" % (n, e) for n, e in t.checks]
        return "CREATE TABLE %s (\n%s\n);" % (name or t.name, ",\n".join(lines))

    @staticmethod
    def index_sql(t, ix):
        return "CREATE %sINDEX %s ON %s (%s);" % ("UNIQUE " if ix["unique"] else "", ix["name"],
                                                t.name, ", ".join(ix["cols"]))

    def rebuild_sql(self, t):
        """SQLite: rebuild table t into its definition t (as git-migrate writes it)."""
        cols = ", ".join(c.name for c in t.cols)
        new = "_gm_new_" + t.name
        out = [self.create_table_sql(t, new),
               "INSERT INTO %s (%s) SELECT %s FROM %s;" % (new, cols, cols, t.name),
               "DROP TABLE %s;" % t.name,
               "ALTER TABLE %s RENAME TO %s;" % (new, t.name)]
        out += [self.index_sql(t, ix) for ix in t.indexes]
        return "\n".join(out)

    # ---- schema building ----------------------------------------------------------------
    def new_enum(self):
        """An enum for a new column: an existing one, or (sometimes) a fresh one."""
        if self.enum_pool and (not self.enums or self.rnd.random() < 0.5):
            name, labels = self.enum_pool.pop(0)
            return name, labels, True
        name = self.rnd.choice(sorted(self.enums))
        return name, self.enums[name], False

    def create_enum_sql(self, name, labels):
        return "CREATE TYPE %s AS ENUM (%s);" % (name, ", ".join(q(l) for l in labels))

    def scalar_col(self, t, not_null_default=False):
        typ = self.rnd.choice(SCALAR_TYPES)
        c = Col(t.fresh_name(self.rnd.choice(COLUMN_WORDS)), typ, plain=True)
        if not_null_default:
            c.nullable = False
            c.default = ("lit", {"text": "none", "varchar(80)": "none", "date": "2024-01-01",
                                 "boolean": "false", "timestamp": "2024-01-01 00:00:00"}
                         .get(typ, "0"))
        return c

    def create_table(self, i):
        rnd, pg = self.rnd, self.dialect == "postgres"
        t = Table(i, "t%03d_%s" % (i, WORDS[i % len(WORDS)]))
        up, down_extra = [], []
        t.cols.append(Col("id", "integer", nullable=False, pk=True))
        t.cols.append(Col("code", "varchar(40)", nullable=False, unique=True))
        earlier = self.tables
        for _ in range(min(len(earlier), rnd.choice((1, 1, 2)))):
            ref = rnd.choice(earlier)
            c = Col(t.fresh_name(ref.name + "_id"), "integer", nullable=rnd.random() < 0.5,
                    ref=ref.name, on_delete=rnd.choice((None, "cascade")))
            t.cols.append(c)
            if rnd.random() < 0.7:
                t.indexes.append({"name": "%s_%s_idx" % (t.name, c.name), "cols": [c.name],
                                  "unique": False})
        if rnd.random() < 0.6:
            name, labels, fresh = self.new_enum()
            if fresh:
                self.enums[name] = labels
                if pg:
                    up.append(self.create_enum_sql(name, labels))
                    down_extra.append("DROP TYPE %s;" % name)
            c = Col(t.fresh_name(name.split("_")[0]), name, enum=name)
            if rnd.random() < 0.5:
                c.nullable, c.default = False, ("lit", labels[0])
            t.cols.append(c)
        if rnd.random() < 0.5:
            t.cols.append(Col("amount", "numeric(12,2)", nullable=False, default=("lit", "0")))
            t.checks.append(("%s_amount_check" % t.name, "amount >= 0"))
        if rnd.random() < 0.5:
            t.cols.append(Col("created_at", "timestamp", nullable=False,
                              default=("sql", "CURRENT_TIMESTAMP")))
        for _ in range(rnd.randint(1, 3)):
            c = self.scalar_col(t)
            c.plain = False
            t.cols.append(c)
        if rnd.random() < 0.2:
            other = rnd.choice(t.cols[2:])
            t.indexes.append({"name": "ux_%s_code_%s" % (t.name, other.name),
                              "cols": ["code", other.name], "unique": True})
        self.tables.append(t)
        up.append(self.create_table_sql(t))
        up += [self.index_sql(t, ix) for ix in t.indexes]
        return "create table %s" % t.name, up, ["DROP TABLE %s;" % t.name] + down_extra

    def alter(self):
        """One alteration of an existing table: (message, up statements, down statements)."""
        rnd, pg = self.rnd, self.dialect == "postgres"
        ops = [("add_col", 30), ("add_col_default", 12), ("add_enum_col", 8), ("add_fk_col", 10),
               ("create_index", 18), ("create_unique_index", 4), ("drop_index", 4),
               ("rename_col", 5), ("drop_col", 3), ("enum_add_label", 6)]
        op = rnd.choices([o for o, _ in ops], [w for _, w in ops])[0]
        t = rnd.choice(self.tables)
        before = copy.deepcopy(t)

        def simple_drop(c):
            # SQLite cannot DROP COLUMN a column with a CHECK or a REFERENCES: rebuild.
            if pg or (c.ref is None and c.enum is None):
                return ["ALTER TABLE %s DROP COLUMN %s;" % (t.name, c.name)]
            return [self.rebuild_sql(before)]

        if op == "add_fk_col" and t.index > 0:
            ref = rnd.choice(self.tables[:t.index])
            c = Col(t.fresh_name(ref.name + "_id"), "integer", ref=ref.name,
                    on_delete=rnd.choice((None, "cascade", "set null")))
            t.cols.append(c)
            up = ["ALTER TABLE %s ADD COLUMN %s;" % (t.name, self.col_sql(c))]
            ix = {"name": "%s_%s_idx" % (t.name, c.name), "cols": [c.name], "unique": False}
            t.indexes.append(ix)
            up.append(self.index_sql(t, ix))
            return "add %s.%s" % (t.name, c.name), up, ["DROP INDEX %s;" % ix["name"]] + simple_drop(c)
        if op == "add_enum_col":
            name, labels, fresh = self.new_enum()
            up, down_extra = [], []
            if fresh:
                self.enums[name] = labels
                if pg:
                    up.append(self.create_enum_sql(name, labels))
                    down_extra.append("DROP TYPE %s;" % name)
            c = Col(t.fresh_name(name.split("_")[0]), name, enum=name)
            if rnd.random() < 0.5:
                c.nullable, c.default = False, ("lit", labels[0])
            t.cols.append(c)
            up.append("ALTER TABLE %s ADD COLUMN %s;" % (t.name, self.col_sql(c)))
            return "add %s.%s" % (t.name, c.name), up, simple_drop(c) + down_extra
        plain_free = [c for c in t.cols if c.plain and not t.indexed(c.name)]
        if op == "create_index":
            cands = [c for c in t.cols if not c.pk and not t.indexed(c.name)]
            if cands:
                c = rnd.choice(cands)
                ix = {"name": "%s_%s_idx" % (t.name, c.name), "cols": [c.name], "unique": False}
                t.indexes.append(ix)
                return "index %s.%s" % (t.name, c.name), [self.index_sql(t, ix)], \
                    ["DROP INDEX %s;" % ix["name"]]
        if op == "create_unique_index":
            cands = [c for c in t.cols[2:] if "ux_%s_code_%s" % (t.name, c.name) not in
                     [ix["name"] for ix in t.indexes]]
            if cands:
                c = rnd.choice(cands)
                ix = {"name": "ux_%s_code_%s" % (t.name, c.name), "cols": ["code", c.name],
                      "unique": True}
                t.indexes.append(ix)
                return "unique %s code %s" % (t.name, c.name), [self.index_sql(t, ix)], \
                    ["DROP INDEX %s;" % ix["name"]]
        if op == "drop_index":
            cands = [ix for ix in t.indexes if not ix["unique"]]
            if cands:
                ix = rnd.choice(cands)
                t.indexes.remove(ix)
                return "drop index %s" % ix["name"], ["DROP INDEX %s;" % ix["name"]], \
                    [self.index_sql(t, ix)]
        if op == "rename_col" and plain_free:
            c = rnd.choice(plain_free)
            old, c.name = c.name, t.fresh_name(rnd.choice(COLUMN_WORDS))
            return "rename %s.%s" % (t.name, old), \
                ["ALTER TABLE %s RENAME COLUMN %s TO %s;" % (t.name, old, c.name)], \
                ["ALTER TABLE %s RENAME COLUMN %s TO %s;" % (t.name, c.name, old)]
        if op == "drop_col" and plain_free:
            c = rnd.choice(plain_free)
            t.cols.remove(c)
            c2 = copy.copy(c)
            c2.nullable, c2.default = True, None
            return "drop %s.%s" % (t.name, c.name), \
                ["ALTER TABLE %s DROP COLUMN %s;" % (t.name, c.name)], \
                ["ALTER TABLE %s ADD COLUMN %s;" % (t.name, self.col_sql(c2))]
        if op == "enum_add_label" and self.enums:
            name = rnd.choice(sorted(self.enums))
            users = [u for u in self.tables if any(c.enum == name for c in u.cols)]
            snapshots = [copy.deepcopy(u) for u in users]
            old_labels = list(self.enums[name])
            new_labels = old_labels + [self.next_label(old_labels)]
            if pg:
                up = ["ALTER TYPE %s ADD VALUE IF NOT EXISTS %s;" % (name, q(new_labels[-1]))]
                down = self.pg_enum_swap(name, old_labels, users)
            else:
                down = [self.rebuild_sql(s) for s in snapshots]
                self.enums[name] = new_labels
                up = [self.rebuild_sql(u) for u in users]
            self.enums[name] = new_labels
            return "enum %s add label" % name, up, down
        # add_col, add_col_default, and the fallback of every op that did not apply
        c = self.scalar_col(t, not_null_default=(op == "add_col_default"))
        t.cols.append(c)
        return "add %s.%s" % (t.name, c.name), \
            ["ALTER TABLE %s ADD COLUMN %s;" % (t.name, self.col_sql(c))], simple_drop(c)

    def next_label(self, labels):
        for l in self.label_pool:
            if l not in labels:
                return l
        k = len(labels)
        while "label%d" % k in labels:
            k += 1
        return "label%d" % k

    def pg_enum_swap(self, name, labels, users):
        out = ["ALTER TYPE %s RENAME TO %s__old;" % (name, name), self.create_enum_sql(name, labels)]
        for u in users:
            for c in u.cols:
                if c.enum != name:
                    continue
                if c.default:
                    out.append("ALTER TABLE %s ALTER COLUMN %s DROP DEFAULT;" % (u.name, c.name))
                out.append("ALTER TABLE %s ALTER COLUMN %s TYPE %s USING %s::text::%s;" %
                           (u.name, c.name, name, c.name, name))
                if c.default:
                    out.append("ALTER TABLE %s ALTER COLUMN %s SET DEFAULT %s;" %
                               (u.name, c.name, q(c.default[1])))
        out.append("DROP TYPE %s__old;" % name)
        return out

    # ---- models -------------------------------------------------------------------------
    def models_yaml(self, enums, tables):
        out = []
        used = sorted({c.enum for t in tables for c in t.cols if c.enum})
        if used:
            out.append("enums:")
            for e in used:
                out.append("  %s: [%s]" % (e, ", ".join('"%s"' % l for l in enums[e])))
            out.append("")
        out.append("tables:")
        for t in tables:
            out.append("  %s:" % t.name)
            out.append("    columns:")
            for c in t.cols:
                f = ["type: %s" % c.type]
                if c.pk:
                    f.append("primary_key: true")
                elif not c.nullable:
                    f.append("null: false")
                if c.unique:
                    f.append("unique: true")
                if c.default:
                    kind, val = c.default
                    f.append(('default_sql: "%s"' if kind == "sql" else 'default: "%s"') % val
                             if not (kind == "lit" and (c.type in NUMERIC or c.type == "boolean"))
                             else "default: %s" % val)
                if c.ref:
                    f.append("references: %s(id)" % c.ref)
                    if c.on_delete:
                        f.append("on_delete: %s" % c.on_delete.replace(" ", "_"))
                out.append("      %s: {%s}" % (c.name, ", ".join(f)))
            if t.indexes:
                out.append("    indexes:")
                for ix in t.indexes:
                    out.append("      - {name: %s, columns: [%s]%s}" % (
                        ix["name"], ", ".join(ix["cols"]), ", unique: true" if ix["unique"] else ""))
            if t.checks:
                out.append("    checks:")
                for n, e in t.checks:
                    out.append('      %s: "%s"' % (n, e))
        return "\n".join(out) + "\n"

    def change_set(self, rows, label=True):
        """The models of the work branch: head + a new table, a new column, a new label
        (without the label: the branch work-small, a change that rebuilds no table)."""
        enums, tables = copy.deepcopy(self.enums), copy.deepcopy(self.tables)
        summary = []
        if enums and label:
            users = {e: sum(1 for t in tables for c in t.cols if c.enum == e) for e in enums}
            e = max(sorted(enums), key=lambda k: users[k])
            enums[e] = enums[e] + [self.next_label(enums[e])]
            summary.append("enum %s: label '%s' appended (used by %d columns)" %
                           (e, enums[e][-1], users[e]))
        big = max(tables, key=lambda t: (rows.get(t.name, 0), -t.index))
        c = Col(big.fresh_name("bench_note"), "text")
        big.cols.append(c)
        summary.append("column %s.%s added (%d fixture rows)" % (big.name, c.name, rows.get(big.name, 0)))
        nt = Table(len(tables), "bench_events")
        parent = tables[-1]
        nt.cols = [Col("id", "integer", nullable=False, pk=True),
                   Col(parent.name + "_id", "integer", nullable=False, ref=parent.name,
                       on_delete="cascade"),
                   Col("note", "text"),
                   Col("created_at", "timestamp", nullable=False,
                       default=("sql", "CURRENT_TIMESTAMP"))]
        if enums:
            e = sorted(enums)[0]
            nt.cols.insert(2, Col("kind", e, enum=e, nullable=False, default=("lit", enums[e][0])))
        nt.indexes.append({"name": "bench_events_%s_idx" % nt.cols[1].name, "cols": [nt.cols[1].name],
                           "unique": False})
        tables.append(nt)
        summary.append("table bench_events added (references %s%s)" %
                       (parent.name, ", reuses enum " + sorted(enums)[0] if enums else ""))
        return self.models_yaml(enums, tables), summary

    # ---- fixtures -----------------------------------------------------------------------
    def split_rows(self, total):
        if total <= 0:
            return {}
        n = len(self.tables)
        weights = [self.rnd.randint(1, 10) for _ in range(n)]
        counts = [max(1, total * w // sum(weights)) for w in weights]
        counts[-1] = max(1, counts[-1] + total - sum(counts))
        return {t.name: k for t, k in zip(self.tables, counts)}

    def value(self, t, c, i, rows):
        rnd = self.rnd
        if c.pk:
            return str(i)
        if c.name == "code":
            return "%s-%06d" % (t.name[:4], i)
        if c.ref:
            return str(rnd.randint(1, rows[c.ref]))
        if c.enum:
            return rnd.choice(self.enums[c.enum])
        typ = c.type
        if typ in ("integer", "smallint"):
            return str(rnd.randint(0, 30000))
        if typ == "bigint":
            return str(rnd.randint(0, 10 ** 12))
        if typ.startswith("numeric"):
            return "%d.%02d" % (rnd.randint(0, 99999), rnd.randint(0, 99))
        if typ == "boolean":
            return rnd.choice(("0", "1"))
        if typ == "date":
            return "2024-%02d-%02d" % (rnd.randint(1, 12), rnd.randint(1, 28))
        if typ == "timestamp":
            return "2024-%02d-%02d %02d:%02d:%02d" % (rnd.randint(1, 12), rnd.randint(1, 28),
                                                      rnd.randint(0, 23), rnd.randint(0, 59),
                                                      rnd.randint(0, 59))
        words = " ".join(rnd.choice(LABELS) for _ in range(rnd.randint(1, 6)))
        if rnd.random() < 0.05:
            words += ', "quoted", too'
        return words

    def write_fixtures(self, data_dir, rows):
        os.makedirs(data_dir, exist_ok=True)
        for t in self.tables:
            with open(os.path.join(data_dir, t.name + ".csv"), "w", newline="") as f:
                w = csv.writer(f, lineterminator="\n")
                w.writerow([c.name for c in t.cols])
                for i in range(1, rows[t.name] + 1):
                    w.writerow([self.value(t, c, i, rows) for c in t.cols])


def revision_text(rid, parent, message, created, up, down):
    return ("-- git-migrate revision\n-- revision: %s\n-- down_revision: %s\n-- message: %s\n"
            "-- created: %s\n\n-- +migrate up\n%s\n\n-- +migrate down\n%s\n") % (
        rid, parent, message, created, "\n\n".join(up), "\n".join(down))


def slug(message):
    s = "".join(ch if ch.isalnum() else "_" for ch in message.lower())
    while "__" in s:
        s = s.replace("__", "_")
    return s.strip("_")[:40].rstrip("_")


def git(repo, *args):
    env = dict(os.environ, GIT_AUTHOR_NAME="Bench", GIT_AUTHOR_EMAIL="bench@example.com",
               GIT_COMMITTER_NAME="Bench", GIT_COMMITTER_EMAIL="bench@example.com",
               GIT_AUTHOR_DATE="2025-01-01T00:00:00Z", GIT_COMMITTER_DATE="2025-01-01T00:00:00Z",
               GIT_CONFIG_NOSYSTEM="1")
    subprocess.run(["git", "-C", repo, "-c", "commit.gpgsign=false"] + list(args), check=True,
                   env=env, stdout=subprocess.DEVNULL)


def generate(out, dialect, revisions, tables, rows, seed, config_extra=""):
    if revisions < tables or tables < 1:
        sys.exit("gen.py: need revisions >= tables >= 1")
    g = Gen(dialect, seed)
    n_enums = max(2, tables // 5)
    for k in range(n_enums):
        name = ENUM_WORDS[k % len(ENUM_WORDS)] + ("" if k < len(ENUM_WORDS) else str(k))
        labels = [g.label_pool[(3 * k + j) % len(g.label_pool)] for j in range(g.rnd.randint(3, 6))]
        g.enum_pool.append((name + "_t", list(dict.fromkeys(labels))))
    creations = set([0] + g.rnd.sample(range(1, revisions), tables - 1))

    repo = os.path.join(out, "repo")
    vdir = os.path.join(repo, "migrations", "versions")
    os.makedirs(vdir)
    os.makedirs(os.path.join(repo, "models"))
    order, parent, ids = [], "", set()
    for k in range(revisions):
        if k in creations:
            message, up, down = g.create_table(len(g.tables))
        else:
            message, up, down = g.alter()
        rid = "%012x" % g.rnd.getrandbits(48)
        while rid in ids:
            rid = "%012x" % g.rnd.getrandbits(48)
        ids.add(rid)
        created = "2025-%02d-%02dT%02d:00:00Z" % (1 + k // 600 % 12, 1 + k // 24 % 28, k % 24)
        name = "%s_%s.sql" % (rid, slug(message))
        with open(os.path.join(vdir, name), "w") as f:
            f.write(revision_text(rid, parent, message, created, up, down))
        order.append("migrations/versions/" + name)
        parent = rid

    counts = g.split_rows(rows)
    with open(os.path.join(repo, ".gitmigrate.yml"), "w") as f:
        f.write("production: production\nmigrations: migrations/versions\n"
                "models: [models/*.yml]\nfixtures: data\n" + config_extra)
    with open(os.path.join(repo, "models", "app.yml"), "w") as f:
        f.write(g.models_yaml(g.enums, g.tables))
    if counts:
        g.write_fixtures(os.path.join(repo, "data"), counts)
    git(repo, "init", "-q", "-b", "production")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "production: %d revisions, %d tables" % (revisions, tables))
    git(repo, "switch", "-q", "-c", "work")
    models, summary = g.change_set(counts)
    with open(os.path.join(repo, "models", "app.yml"), "w") as f:
        f.write(models)
    git(repo, "commit", "-q", "-am", "models: the change set")
    # work-small: the same change without the enum label, which SQLite's emulated enums
    # turn into a rebuild of every table that uses it
    git(repo, "switch", "-q", "-c", "work-small", "production")
    models_small, summary_small = g.change_set(counts, label=False)
    with open(os.path.join(repo, "models", "app.yml"), "w") as f:
        f.write(models_small)
    git(repo, "commit", "-q", "-am", "models: the change set without the enum label")
    git(repo, "switch", "-q", "work")

    meta = {"dialect": dialect, "seed": seed, "revisions": revisions, "tables": tables,
            "rows": sum(counts.values()), "enums": len(g.enums), "order": order,
            "load_order": [t.name for t in g.tables if t.name in counts],
            "columns": {t.name: [c.name for c in t.cols] for t in g.tables},
            "row_counts": counts, "change_set": summary, "change_set_small": summary_small}
    with open(os.path.join(out, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)
    return meta


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dialect", choices=("sqlite", "postgres"), default="sqlite")
    ap.add_argument("--revisions", type=int, default=50)
    ap.add_argument("--tables", type=int, default=10)
    ap.add_argument("--rows", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--config-extra", default="", help="lines appended to .gitmigrate.yml")
    ap.add_argument("dir")
    a = ap.parse_args()
    if os.path.exists(a.dir) and os.listdir(a.dir):
        sys.exit("gen.py: %s exists and is not empty" % a.dir)
    meta = generate(a.dir, a.dialect, a.revisions, a.tables, a.rows, a.seed, a.config_extra)
    print("%s: %d revisions, %d tables, %d enums, %d rows" % (
        a.dir, meta["revisions"], meta["tables"], meta["enums"], meta["rows"]))


if __name__ == "__main__":
    main()
