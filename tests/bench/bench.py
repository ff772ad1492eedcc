#!/usr/bin/env python3
"""bench.py: the measurements of `make bench` (DESIGN.md §7); run by tests/bench/run.sh.

    bench.py --build BUILD_DIR [--sizes small,large] [--dialects sqlite,postgres]
             [--work DIR] [--json FILE] [--seed N]

For each dialect and size: generate the workload (gen.py), run `git-migrate -v prepare`
on it cold (--no-cache; its `timing:` line gives the phases; /usr/bin/time -v the peak
RSS), once more to fill the snapshot cache, and warm (a cache hit); cold and warm again on
the branch work-small, the same change without its enum label (which SQLite turns into
table rebuilds), to show what the verification of a change that rebuilds nothing costs;
then the floor on the same workload: every revision's up section concatenated into all.sql and run
by the database's own client on a fresh database, plus a bulk load of the fixture CSVs;
on that database, a catalog read (`pg_dump -s`, `sqlite3 .schema`: issue 16 counts one in its
floor, DESIGN.md §7 does not, so the headline ratios leave it out and a line of its own
gives the ratios with it), and the floor of the verification: the revision the change set
makes, its up, down and up sections run by the same client (a transaction each).
Then `git-migrate verify` (no replay) on a 2,000-revision chain. Prints the figures with
the ratios to the floor and writes them as JSON. It measures; it asserts nothing (a
failed run is reported as such, and the exit status is 0 unless the bench itself broke).

PostgreSQL runs when GIT_MIGRATE_TEST_PG names a server (run.sh starts one).
"""
import argparse
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import gen  # noqa: E402

SIZES = {
    "small": {"revisions": 50, "tables": 10, "rows": 5000},
    "large": {"revisions": 500, "tables": 100, "rows": 100000},
    # not in the default run (minutes): BENCH_SIZES=huge make bench
    "huge": {"revisions": 2000, "tables": 300, "rows": 1000000},
}
VERIFY_REVISIONS = 2000
VERIFY_TARGET_MS = 100.0
RATIO_TARGET = 1.3  # replay+fixtures against the floor's replay+load
COLD_TARGET = 1.2  # cold prepare (--no-cache) against the floor (DESIGN.md §7)
TARGET_SIZE = "large"  # where the cold and warm targets are set (issue 16: 500/100/100k)
TIME_BIN = "/usr/bin/time"
PHASES = ["read", "replay", "loader-inspect", "fixtures", "inspect", "models", "diff+plan", "verify",
          "write"]
WARM_TARGET = 0.2  # warm prepare (snapshot cache hit) against the floor (DESIGN.md §7)
# The floor's clients run with a large malloc top pad: on this kind of VM the sqlite3
# shell's .import otherwise spends most of its time growing and trimming the heap with brk
# (12 s instead of 1 s for 100k rows), which is the shell's artifact, not the database's.
FLOOR_ENV = {"GLIBC_TUNABLES": "glibc.malloc.top_pad=67108864"}


def cpu_children():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run(cmd, cwd=None, stdin=None, env=None, cpu=None):
    """Run cmd; (seconds, returncode, stdout, stderr). With cpu (a dict), cpu["seconds"] is
    set to the user+system CPU time of the command and its descendants."""
    c0 = cpu_children()
    t0 = time.perf_counter()
    p = subprocess.run(cmd, cwd=cwd, stdin=stdin, env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, universal_newlines=True)
    wall = time.perf_counter() - t0
    if cpu is not None:
        cpu["seconds"] = cpu_children() - c0
    return wall, p.returncode, p.stdout, p.stderr


def tail(text, n=3):
    lines = [l for l in text.strip().splitlines() if l.strip()]
    return " | ".join(lines[-n:])


# ---- PostgreSQL URLs --------------------------------------------------------------------
def pg_db_url(base, db):
    """The connection string of database db on the server of base (URL or key=value)."""
    m = re.match(r"^(postgres(?:ql)?://[^/?]*)(/[^?]*)?(\?.*)?$", base)
    if m:
        return "%s/%s%s" % (m.group(1), db, m.group(3) or "")
    return "%s dbname=%s" % (base, db)


def floor_env():
    return dict(os.environ, **FLOOR_ENV)


def psql(url, *args, stdin=None):
    return run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url] + list(args), stdin=stdin,
               env=floor_env())


# ---- one case ---------------------------------------------------------------------------
def sections(text):
    """The up and down sections of a revision's text (markers left out)."""
    parts, cur = {"up": [], "down": []}, None
    for line in text.splitlines(True):
        s = line.strip()
        if s.startswith("-- +migrate up"):
            cur = "up"
        elif s.startswith("-- +migrate down"):
            cur = "down"
        elif cur:
            parts[cur].append(line)
    return "".join(parts["up"]), "".join(parts["down"])


def up_section(path):
    with open(path) as f:
        return sections(f.read())[0]


def verify_sql(path, revision):
    """Write the floor of the verification: the revision's up, down and up sections, each in
    a transaction of its own, as prepare's verification runs them."""
    up, down = sections(revision)
    with open(path, "w") as f:
        for body in (up, down, up):
            f.write("BEGIN;\n%s\nCOMMIT;\n" % body)


def parse_timing(stderr):
    phases = {}
    for line in stderr.splitlines():
        if line.startswith("timing:"):
            for name, sec in re.findall(r"(\S+) ([0-9.]+)s", line[len("timing:"):]):
                phases[name] = float(sec)
    return phases


def parse_rss_kb(stderr):
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", stderr)
    return int(m.group(1)) if m else None


# Without /usr/bin/time: a fresh python process runs prepare and reports its children's
# peak RSS (RUSAGE_CHILDREN of a process whose only child is prepare).
RSS_WRAPPER = ("import resource, subprocess, sys\n"
               "rc = subprocess.call(sys.argv[1:])\n"
               "sys.stderr.write('\\nbench-maxrss-kb: %d\\n' % "
               "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
               "sys.exit(rc if rc >= 0 else 128 - rc)\n")


def run_prepare(binary, repo, extra=()):
    """One `git-migrate -v prepare`: a dict of wall, cpu, rc, phases, peak_rss_kb, error."""
    cmd = [binary, "-v", "prepare", "-m", "bench change set"] + list(extra)
    use_time = os.access(TIME_BIN, os.X_OK)
    if use_time:
        cmd = [TIME_BIN, "-v"] + cmd
        marker = "\tCommand being timed:"
    else:
        cmd = [sys.executable, "-c", RSS_WRAPPER] + cmd
        marker = "\nbench-maxrss-kb:"
    cpu = {}
    wall, rc, out, err = run(cmd, cwd=repo, cpu=cpu)
    if use_time:
        rss = parse_rss_kb(err)
    else:
        m = re.search(r"bench-maxrss-kb: (\d+)", err)
        rss = int(m.group(1)) if m else None
    if marker in err:  # keep the program's own stderr
        err = err[:err.rfind(marker)]
    phases = parse_timing(err)
    cache = re.search(r"^cache: (.*)$", err, re.M)
    res = {"cache": cache.group(1) if cache else None, "wall": wall, "cpu": cpu["seconds"], "rc": rc, "phases": phases, "peak_rss_kb": rss,
           "rss_source": "/usr/bin/time -v" if use_time else "getrusage(RUSAGE_CHILDREN)"}
    if rc != 0:
        res["error"] = tail(err) or tail(out)
    else:
        res["output"] = tail(err + out, 2)
    return res


def reset_worktree(repo):
    subprocess.run(["git", "-C", repo, "clean", "-q", "-fd", "migrations"], check=False)


def floor_sqlite(case, meta, revision):
    repo = os.path.join(case, "repo")
    db = os.path.join(case, "floor.sqlite")
    for suffix in ("", "-journal", "-wal"):
        if os.path.exists(db + suffix):
            os.unlink(db + suffix)
    with open(os.path.join(case, "all.sql"), "w") as f:
        f.write("BEGIN;\n")
        for p in meta["order"]:
            f.write(up_section(os.path.join(repo, p)))
        f.write("COMMIT;\n")
    with open(os.path.join(case, "load.sql"), "w") as f:
        f.write(".bail on\nBEGIN;\n")  # one transaction, as psql -1 for PostgreSQL
        for t in meta["load_order"]:
            f.write(".import --csv --skip 1 '%s' %s\n" % (os.path.join(repo, "data", t + ".csv"), t))
        f.write("COMMIT;\n")
    res = {"client": "sqlite3", "create": 0.0}
    with open(os.path.join(case, "all.sql")) as f:
        res["replay"], rc, out, err = run(["sqlite3", "-bail", db], stdin=f, env=floor_env())
    if rc != 0:
        res["error"] = "all.sql: " + tail(err)
        return res
    with open(os.path.join(case, "load.sql")) as f:
        res["load"], rc, out, err = run(["sqlite3", "-bail", db], stdin=f, env=floor_env())
    if rc != 0 or err.strip():
        res["error"] = "load: " + tail(err)
        return res
    t, rc, out, err = run(["sqlite3", "-bail", db, ".schema"], env=floor_env())
    res.update({"catalog": t} if rc == 0 else {"catalog_error": tail(err)})
    if revision:
        verify_sql(os.path.join(case, "verify.sql"), revision)
        with open(os.path.join(case, "verify.sql")) as f:
            t, rc, out, err = run(["sqlite3", "-bail", db], stdin=f, env=floor_env())
        res.update({"verify": t} if rc == 0 else {"verify_error": tail(err)})
    return res


def floor_postgres(case, meta, server, tag, revision):
    repo = os.path.join(case, "repo")
    with open(os.path.join(case, "all.sql"), "w") as f:
        for p in meta["order"]:
            f.write(up_section(os.path.join(repo, p)))
    with open(os.path.join(case, "load.sql"), "w") as f:
        for t in meta["load_order"]:
            path = os.path.join(repo, "data", t + ".csv").replace("'", "''")
            f.write("\\copy %s (%s) from '%s' with (format csv, header true)\n" %
                    (t, ", ".join(meta["columns"][t]), path))
    name = "gm_bench_floor_%s_%d" % (tag, os.getpid())
    url = pg_db_url(server, name)
    psql(server, "-c", "DROP DATABASE IF EXISTS %s" % name)
    res = {"client": "psql"}
    res["create"], rc, out, err = psql(server, "-c", "CREATE DATABASE %s" % name)
    if rc != 0:
        res["error"] = "create: " + tail(err)
        return res
    try:
        res["replay"], rc, out, err = psql(url, "-1", "-f", os.path.join(case, "all.sql"))
        if rc != 0:
            res["error"] = "all.sql: " + tail(err)
            return res
        res["load"], rc, out, err = psql(url, "-1", "-f", os.path.join(case, "load.sql"))
        if rc != 0:
            res["error"] = "load: " + tail(err)
            return res
        t, rc, out, err = run(["pg_dump", "-s", "-d", url], env=floor_env())
        res.update({"catalog": t} if rc == 0 else {"catalog_error": tail(err)})
        if revision:
            verify_sql(os.path.join(case, "verify.sql"), revision)
            t, rc, out, err = psql(url, "-f", os.path.join(case, "verify.sql"))
            res.update({"verify": t} if rc == 0 else {"verify_error": tail(err)})
    finally:
        psql(server, "-c", "DROP DATABASE IF EXISTS %s" % name)
    return res


def best_floor(runs):
    """Each phase's best time over the runs (the phases are independent commands)."""
    ok = [r for r in runs if "error" not in r]
    if not ok:
        return runs[-1]
    best = dict(ok[0])
    for k in ("create", "replay", "load", "verify", "catalog"):
        if all(k in r for r in ok):
            best[k] = min(r[k] for r in ok)
    best["runs"] = len(ok)
    return best


def fresh_dir(path):
    """A new empty directory at path: a workload a kept run (--keep) left there is generated
    again, not reused."""
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)


def run_case(args, dialect, size, work):
    spec = SIZES[size]
    case = os.path.join(work, "%s-%s" % (dialect, size))
    fresh_dir(case)
    extra = ""
    server = os.environ.get("GIT_MIGRATE_TEST_PG", "")
    if dialect == "postgres":
        extra = "scratch: '%s'\ndatabase: '%s'\n" % (server.replace("'", "''"),
                                                    pg_db_url(server, "gm_bench_target").replace("'", "''"))
    t0 = time.perf_counter()
    meta = gen.generate(case, dialect, spec["revisions"], spec["tables"], spec["rows"], args.seed,
                        extra)
    gen_s = time.perf_counter() - t0
    repo = os.path.join(case, "repo")
    binary = os.path.join(args.build, "git-migrate")
    repeat = args.repeat if args.repeat else (3 if size == "small" else 2)

    # cold: --no-cache; then one run that fills the snapshot cache (a miss, which also
    # saves the entry), then warm runs (hits)
    prep = best_run([run_reset(binary, repo, ["--no-cache"]) for _ in range(repeat)])
    subprocess.run([binary, "-q", "cache", "clear"], cwd=repo, check=False)
    fill = run_reset(binary, repo, [])
    warm = best_run([run_reset(binary, repo, []) for _ in range(repeat)])
    # the revision the change set makes, for the floor of its verification
    reset_worktree(repo)
    _, rc, revision, _ = run([binary, "-q", "prepare", "--dry-run", "-m", "bench change set"],
                             cwd=repo)
    revision = revision if rc == 0 else ""
    small = run_small(binary, repo, repeat)
    subprocess.run([binary, "-q", "cache", "clear"], cwd=repo, check=False)

    floors = []
    for _ in range(repeat):
        if dialect == "sqlite":
            floors.append(floor_sqlite(case, meta, revision))
        else:
            floors.append(floor_postgres(case, meta, server, size, revision))
    floor = best_floor(floors)

    res = {"dialect": dialect, "size": size, "revisions": meta["revisions"],
           "tables": meta["tables"], "enums": meta["enums"], "rows": meta["rows"],
           "seed": args.seed, "generate_seconds": round(gen_s, 3), "change_set": meta["change_set"],
           "change_set_small": meta["change_set_small"], "prepare": prep, "fill": fill,
           "warm": warm, "small": small, "floor": floor}
    res["ratios"] = ratios(prep, floor)
    ftotal = None if "error" in floor else floor["create"] + floor["replay"] + floor["load"]
    for k in ("fill", "warm"):
        run_k = res[k]
        res["ratios"][k] = run_k["wall"] / ftotal if ftotal and run_k["rc"] == 0 else None
    for k in ("cold", "warm"):
        run_k = small[k]
        res["ratios"]["small_" + k] = (run_k["wall"] / ftotal if ftotal and run_k["rc"] == 0
                                       else None)
    # issue 16 defines its floor as DESIGN.md §7's plus a catalog read: the same ratios
    # against that floor, printed beside the headline ones
    if ftotal and "catalog" in floor:
        with_catalog = ftotal + floor["catalog"]
        for k, run_k in (("cold", prep), ("warm", warm), ("small_cold", small["cold"]),
                         ("small_warm", small["warm"])):
            if run_k["rc"] == 0:
                res["ratios"]["catalog_" + k] = run_k["wall"] / with_catalog
    if not args.keep:
        shutil.rmtree(case, ignore_errors=True)
    return res


def run_small(binary, repo, repeat):
    """Cold and warm on the branch work-small (a change that rebuilds no table), against the
    snapshot entry the work branch filled (the same production and fixtures)."""
    reset_worktree(repo)
    subprocess.run(["git", "-C", repo, "switch", "-q", "work-small"], check=True)
    run_reset(binary, repo, [])  # its models' entry (PostgreSQL)
    small = {"warm": best_run([run_reset(binary, repo, []) for _ in range(repeat)]),
             "cold": best_run([run_reset(binary, repo, ["--no-cache"]) for _ in range(repeat)])}
    reset_worktree(repo)
    subprocess.run(["git", "-C", repo, "switch", "-q", "work"], check=True)
    return small


def run_reset(binary, repo, extra):
    reset_worktree(repo)
    return run_prepare(binary, repo, extra)


def best_run(runs):
    """The fastest successful run (or the last one), with the runs counted and the peak RSS
    the largest of them."""
    ok = [r for r in runs if r["rc"] == 0]
    best = min(ok, key=lambda r: r["wall"]) if ok else runs[-1]
    best["runs"] = len(runs)
    rss = [r["peak_rss_kb"] for r in runs if r["peak_rss_kb"]]
    best["peak_rss_kb"] = max(rss) if rss else None
    return best


def ratios(prep, floor):
    if prep["rc"] != 0 or "error" in floor or "replay" not in prep["phases"]:
        return {}
    ph = prep["phases"]
    f_replay = floor["create"] + floor["replay"]
    out = {"replay": ph["replay"] / f_replay if f_replay > 0 else None}
    if "fixtures" in ph:
        out["fixtures"] = ph["fixtures"] / floor["load"] if floor["load"] > 0 else None
        out["headline_compares"] = "prepare replay+fixtures vs floor replay+load"
        num, den = ph["replay"] + ph["fixtures"], f_replay + floor["load"]
    else:
        out["headline_compares"] = "prepare replay vs floor replay (prepare loads no fixtures yet)"
        num, den = ph["replay"], f_replay
    out["headline"] = num / den if den > 0 else None
    if "verify" in ph and floor.get("verify"):
        out["verify"] = ph["verify"] / floor["verify"]
    ftotal = f_replay + floor["load"]
    out["total"] = prep["wall"] / ftotal if ftotal > 0 else None
    return out


# ---- verify on a long chain -------------------------------------------------------------
def run_verify(args, work):
    case = os.path.join(work, "verify-%d" % VERIFY_REVISIONS)
    fresh_dir(case)
    gen.generate(case, "sqlite", VERIFY_REVISIONS, VERIFY_REVISIONS // 10, 0, args.seed)
    repo = os.path.join(case, "repo")
    binary = os.path.join(args.build, "git-migrate")
    times, cpus, rc, err = [], [], 0, ""
    run([binary, "verify"], cwd=repo)  # warm the page cache
    for _ in range(7):
        cpu = {}
        t, rc, out, err = run([binary, "verify"], cwd=repo, cpu=cpu)
        if rc != 0:
            break
        times.append(t)
        cpus.append(cpu["seconds"])
    res = {"revisions": VERIFY_REVISIONS, "rc": rc, "runs": len(times),
           "target_ms": VERIFY_TARGET_MS}
    if times:
        res["best_ms"] = min(times) * 1000
        res["median_ms"] = statistics.median(times) * 1000
        res["best_cpu_ms"] = min(cpus) * 1000
    if rc != 0:
        res["error"] = tail(err)
    if not args.keep:
        shutil.rmtree(case, ignore_errors=True)
    return res


# ---- printing ---------------------------------------------------------------------------
def fmt_s(x):
    return "%9.3f" % x if isinstance(x, (int, float)) else "%9s" % (x or "-")


def fmt_r(x):
    return "%7.2fx" % x if isinstance(x, (int, float)) else "%8s" % "-"


def fmt_mb(kb):
    return "%.1f MB" % (kb / 1024.0) if kb else "n/a"


def target(size, limit):
    """The target's note for a ratio at this size: the targets are set at TARGET_SIZE."""
    return "target <= %.1fx" % limit if size == TARGET_SIZE else "targets are set at %s" % TARGET_SIZE


def print_case(c):
    p, f, r = c["prepare"], c["floor"], c["ratios"]
    print()
    print("== %s, %s: %d revisions, %d tables, %d enums, %d fixture rows (seed %d)" %
          (c["dialect"], c["size"], c["revisions"], c["tables"], c["enums"], c["rows"], c["seed"]))
    print("   change set: " + "; ".join(c["change_set"]))
    if p["rc"] != 0:
        print("   prepare FAILED (exit %d): %s" % (p["rc"], p.get("error", "")))
    if "error" in f:
        print("   floor FAILED: %s" % f["error"])
    ph = p["phases"]
    client = f.get("client", "")
    print("   %-14s %9s %9s %8s" % ("phase", "prepare", "floor", "ratio"))
    names = PHASES + [n for n in ph if n not in PHASES]
    if c["dialect"] == "postgres":
        print("   %-14s %9s %s %8s   floor: CREATE DATABASE (prepare: inside replay)" %
              ("create", "", fmt_s(f.get("create")), ""))
    for n in names:
        if n == "replay":
            print("   %-14s %s %s %s   floor: %s" % (n, fmt_s(ph.get(n)), fmt_s(f.get("replay")),
                                                   fmt_r(r.get("replay")),
                                                   "sqlite3 -bail db < all.sql (BEGIN..COMMIT)"
                                                   if client == "sqlite3" else "psql -1 -f all.sql"))
        elif n == "fixtures":
            note = ".import --csv --skip 1" if client == "sqlite3" else "psql -1: \\copy ... csv header"
            if n not in ph:
                note += " (prepare: no fixtures phase yet)"
            print("   %-14s %s %s %s   floor: %s" % (n, fmt_s(ph.get(n)), fmt_s(f.get("load")),
                                                   fmt_r(r.get("fixtures")), note))
        elif n == "verify" and "verify" in f:
            print("   %-14s %s %s %s   floor: the revision's up, down, up by %s (a transaction each)" %
                  (n, fmt_s(ph.get(n)), fmt_s(f["verify"]), fmt_r(r.get("verify")), client))
        elif n == "inspect" and "catalog" in f:
            # prepare reads the catalog twice: for the loader, and after the fixtures
            both = ph.get(n, 0.0) + ph.get("loader-inspect", 0.0)
            print("   %-14s %s %s %s   floor: %s, not in its total (see below); "
                  "prepare: this and loader-inspect, %.3f" %
                  (n, fmt_s(ph.get(n)), fmt_s(f["catalog"]),
                   fmt_r(both / f["catalog"] if f["catalog"] > 0 else None),
                   "sqlite3 db .schema" if client == "sqlite3" else "pg_dump -s", both))
        elif n in ph:
            print("   %-14s %s%s" % (n, fmt_s(ph.get(n)),
                                    "   floor FAILED: " + f["verify_error"]
                                    if n == "verify" and "verify_error" in f else ""))
    ftotal = None
    if "error" not in f:
        ftotal = f["create"] + f["replay"] + f["load"]
    print("   %-14s %s %s %s   prepare: wall clock of the process (CPU %.3fs), best of %d" %
          ("total", fmt_s(p["wall"]), fmt_s(ftotal), fmt_r(r.get("total")), p["cpu"], p["runs"]))
    if r.get("total") is not None:
        print("   => cold prepare vs the floor: %.2fx (%s)" % (r["total"], target(c["size"], COLD_TARGET)))
    if r.get("headline") is not None:
        print("   => %s: %.2fx (target <= %.1fx)" % (r["headline_compares"], r["headline"], RATIO_TARGET))
    print("   peak RSS of prepare: %s (%s)" % (fmt_mb(p["peak_rss_kb"]), p["rss_source"]))
    for k, what in (("fill", "fills the cache (a miss)"), ("warm", "warm (a cache hit)")):
        w = c[k]
        if w["rc"] != 0:
            print("   prepare, %s: FAILED (exit %d): %s" % (what, w["rc"], w.get("error", "")))
            continue
        print("   prepare, %s: %ss, %s the floor; cache: %s" % (what, fmt_s(w["wall"]).strip(),
                                                          fmt_r(r.get(k)).strip(), w["cache"]))
        print("      phases: " + ", ".join("%s %.3f" % kv for kv in w["phases"].items()))
    if r.get("warm") is not None:
        print("   => warm prepare vs the floor: %.2fx (%s)" % (r["warm"], target(c["size"], WARM_TARGET)))
        if ftotal and "verify" in f:
            print("      the warm budget is %.3fs; the revision's up, down, up alone take %.3fs in %s" %
                  (WARM_TARGET * ftotal, f["verify"], client))
    if r.get("catalog_cold") is not None and r.get("catalog_warm") is not None:
        print("   => against issue 16's floor, which adds a catalog read (%s, %.3fs): cold %.2fx, "
              "warm %.2fx; on work-small %s and %s" %
              ("sqlite3 .schema" if client == "sqlite3" else "pg_dump -s", f["catalog"],
               r["catalog_cold"], r["catalog_warm"], fmt_r(r.get("catalog_small_cold")).strip(),
               fmt_r(r.get("catalog_small_warm")).strip()))
    print("   a change that rebuilds no table (branch work-small: %s):" %
          "; ".join(c["change_set_small"]))
    for k in ("cold", "warm"):
        w = c["small"][k]
        if w["rc"] != 0:
            print("      %s: FAILED (exit %d): %s" % (k, w["rc"], w.get("error", "")))
            continue
        print("      %s %ss, %s the floor; phases: %s" % (
            k, fmt_s(w["wall"]).strip(), fmt_r(r.get("small_" + k)).strip(),
            ", ".join("%s %.3f" % kv for kv in w["phases"].items())))
    if r.get("small_cold") is not None and r.get("small_warm") is not None:
        print("   => on work-small: cold %.2fx (%s), warm %.2fx (%s)" %
              (r["small_cold"], target(c["size"], COLD_TARGET), r["small_warm"],
               target(c["size"], WARM_TARGET)))


def print_summary(cases, verify):
    print()
    print("== summary")
    print("   cold/fl and warm/fl: against the floor, targets <= %.1fx and <= %.1fx at %s; "
          "small: the same on work-small" % (COLD_TARGET, WARM_TARGET, TARGET_SIZE))
    print("   %-8s %-6s %10s %10s %8s %10s %12s %10s %10s %8s %9s %9s" % (
        "dialect", "size", "cold", "floor", "cold/fl", "headline", "replay-only", "peak RSS",
        "warm", "warm/fl", "small:cold", "warm"))
    for c in cases:
        f, r = c["floor"], c["ratios"]
        ftotal = None if "error" in f else f["create"] + f["replay"] + f["load"]
        print("   %-8s %-6s %s %s %s %s %s %10s %s %s %s %s" % (
            c["dialect"], c["size"], fmt_s(c["prepare"]["wall"]) + "s", fmt_s(ftotal) + "s",
            fmt_r(r.get("total")), fmt_r(r.get("headline")).rjust(10),
            fmt_r(r.get("replay")).rjust(12), fmt_mb(c["prepare"]["peak_rss_kb"]),
            fmt_s(c["warm"]["wall"]) + "s", fmt_r(r.get("warm")),
            fmt_r(r.get("small_cold")).rjust(10), fmt_r(r.get("small_warm")).rjust(9)))
    if verify:
        if "best_ms" in verify:
            print("   verify (no replay) on %d revisions: best %.1f ms, median %.1f ms of %d runs, "
                  "CPU %.1f ms (target < %.0f ms)%s" % (verify["revisions"], verify["best_ms"],
                                          verify["median_ms"], verify["runs"],
                                          verify["best_cpu_ms"], VERIFY_TARGET_MS,
                                          "" if verify["rc"] == 0 else
                                          " -- FAILED: " + verify.get("error", "")))
        else:
            print("   verify (no replay) on %d revisions FAILED (exit %d): %s" %
                  (verify["revisions"], verify["rc"], verify.get("error", "")))


def versions(dialects):
    v = {"python": platform.python_version(), "cpus": os.cpu_count(),
         "machine": platform.machine(), "loadavg_start": os.getloadavg()[0]}
    _, rc, out, _ = run(["sqlite3", "--version"])
    v["sqlite3"] = out.split()[0] if rc == 0 and out else None
    if "postgres" in dialects:
        _, rc, out, _ = psql(os.environ["GIT_MIGRATE_TEST_PG"], "-At", "-c", "SHOW server_version")
        v["postgres"] = out.strip() if rc == 0 else None
    return v


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", required=True)
    ap.add_argument("--sizes", default="small,large")
    ap.add_argument("--dialects", default="sqlite,postgres")
    ap.add_argument("--work", help="where workloads are generated (default: a temporary dir)")
    ap.add_argument("--json", help="default: BUILD/bench.json")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=0, help="runs per case (default: small 3, large 1)")
    ap.add_argument("--keep", action="store_true", help="keep the generated workloads")
    ap.add_argument("--no-verify", action="store_true")
    args = ap.parse_args()
    args.build = os.path.abspath(args.build)
    if not os.access(os.path.join(args.build, "git-migrate"), os.X_OK):
        sys.exit("bench: %s/git-migrate is not built" % args.build)
    sizes = [s for s in args.sizes.split(",") if s]
    dialects = [d for d in args.dialects.split(",") if d]
    for s in sizes:
        if s not in SIZES:
            sys.exit("bench: unknown size '%s' (small, large)" % s)
    notes = []
    if "postgres" in dialects and not os.environ.get("GIT_MIGRATE_TEST_PG"):
        dialects.remove("postgres")
        notes.append("postgres skipped: no server (GIT_MIGRATE_TEST_PG unset)")
    work = args.work or tempfile.mkdtemp(prefix="gm-bench.")
    os.makedirs(work, exist_ok=True)

    env = versions(dialects)
    print("git-migrate bench: %s CPUs; sqlite3 %s%s; workloads in %s" % (
        env["cpus"], env["sqlite3"], "; PostgreSQL %s" % env["postgres"] if env.get("postgres") else "",
        work))
    for n in notes:
        print("note: " + n)
    print("cold: `git-migrate -v prepare --no-cache`; warm: `prepare` on a filled snapshot cache")
    print("prepare: `git-migrate -v prepare` (phases from its timing line); floor: the database's"
          " own client\non the same workload, fresh database, with %s (see FLOOR_ENV);"
          " seconds are wall clock" % " ".join("%s=%s" % kv for kv in FLOOR_ENV.items()))
    t_all = time.perf_counter()
    cases = []
    try:
        for d in dialects:
            for s in sizes:
                c = run_case(args, d, s, work)
                print_case(c)
                sys.stdout.flush()
                cases.append(c)
        verify = None if args.no_verify else run_verify(args, work)
    except BaseException:
        if not args.work and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        raise
    print_summary(cases, verify)
    elapsed = time.perf_counter() - t_all
    env["loadavg_end"] = os.getloadavg()[0]
    print("   (bench ran %.0fs; load average %.2f at the start, %.2f at the end: other work on the"
          " machine inflates wall-clock figures)" % (elapsed, env["loadavg_start"], env["loadavg_end"]))

    out = {"env": env, "notes": notes, "ratio_target": RATIO_TARGET, "floor_env": FLOOR_ENV,
           "cases": cases,
           "verify": verify, "bench_seconds": round(elapsed, 1)}
    path = args.json or os.path.join(args.build, "bench.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")
    print("   figures written to %s" % path)
    if not args.work and not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit("bench: interrupted")
