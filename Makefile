# git-migrate build. `make` builds build/git-migrate; `make test` runs every test.
# BUILD can point elsewhere (e.g. `make BUILD=build-x`) so parallel work does not collide.
BUILD   ?= build
CC      ?= cc
PREFIX  ?= /usr/local
PKGS    := libgit2 libpq sqlite3 yaml-0.1
VERSION := 0.1.0

WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wno-unused-parameter -Wformat=2 -Wno-format-nonliteral
CFLAGS  ?= -O2 -g
# The library flags are read when the Makefile is parsed. The targets that install packages
# first (demo, test, bench) therefore build in a sub-make started after `deps`, so that a
# fresh machine's first `make demo` sees the packages it has just installed.
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) -Iinclude -iquote core \
           -DGM_VERSION='"$(VERSION)"' $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LIBS    := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

ifeq ($(SANITIZE),1)
ALL_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDSAN   := -fsanitize=address,undefined
endif

CORE_SRC := $(wildcard core/*.c core/util/*.c core/dialect/*.c)
CMD_SRC  := $(wildcard cmd/*.c)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
CORE_OBJ := $(CORE_SRC:%.c=$(BUILD)/%.o)
CMD_OBJ  := $(CMD_SRC:%.c=$(BUILD)/%.o)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/unit/%)

# The hook scripts of hooks/ are embedded in the binary: a C file generated from them into
# $(BUILD)/gen (each line a string literal; \ " and ? escaped), so `git migrate hooks
# install` needs nothing but the binary, wherever it was installed or copied.
HOOK_SCRIPTS := $(sort $(wildcard hooks/*))
HOOKS_GEN    := $(BUILD)/gen/hook_scripts.c
HOOKS_OBJ    := $(BUILD)/gen/hook_scripts.o

all: $(BUILD)/git-migrate

# Fails early, naming the missing library, when a package is not installed.
pkg-check:
	@pkg-config --print-errors --exists $(PKGS) || { \
	 echo "fatal: libraries above are missing; 'make deps' installs them (apt-get)" >&2; \
	 exit 2; }

$(CORE_OBJ) $(CMD_OBJ): | pkg-check

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(HOOKS_GEN): $(HOOK_SCRIPTS) Makefile
	@mkdir -p $(dir $@)
	@{ printf '/* Generated from hooks/ by the Makefile: do not edit. */\n'; \
	  printf '#include "git-migrate/hooks.h"\n\nconst gm_hook_script gm_hook_scripts[] = {\n'; \
	  for f in $(HOOK_SCRIPTS); do \
		printf '\t{ "%s",\n' "$${f##*/}"; \
		sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/?/\\?/g' \
		    -e 's/^/\t  "/' -e 's/$$/\\n"/' "$$f"; \
		printf '\t},\n'; \
	  done; \
	  printf '\t{ NULL, NULL },\n};\n'; } >$@.tmp && mv $@.tmp $@

$(HOOKS_OBJ): $(HOOKS_GEN) include/git-migrate/hooks.h | pkg-check
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/libgitmigrate.a: $(CORE_OBJ) $(HOOKS_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/git-migrate: $(CMD_OBJ) $(BUILD)/libgitmigrate.a
	$(CC) $(LDSAN) $(LDFLAGS) -o $@ $(CMD_OBJ) $(BUILD)/libgitmigrate.a $(LIBS)

# Every unit-test binary links the shared helpers of tests/unit/gm_test.c (an explicit rule:
# the binaries' pattern below would otherwise claim gm_test.o).
UNIT_HELPERS := $(BUILD)/tests/unit/gm_test.o

$(UNIT_HELPERS): tests/unit/gm_test.c tests/unit/gm_test.h | pkg-check
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(shell pkg-config --cflags cmocka) -Itests/unit -c $< -o $@

$(BUILD)/tests/unit/%: tests/unit/%.c $(UNIT_HELPERS) $(BUILD)/libgitmigrate.a $(wildcard tests/unit/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(shell pkg-config --cflags cmocka) -Itests/unit -o $@ $< \
		$(UNIT_HELPERS) $(BUILD)/libgitmigrate.a $(LIBS) $(shell pkg-config --libs cmocka) \
		$(LDSAN)

units: $(UNIT_BIN)

# The layering rules of DESIGN.md §5, checked by grep.
check-layers:
	@bad=$$(grep -l 'include <git2' core/*.c core/*/*.c cmd/*.c | grep -v '^core/repo[a-z_]*\.c$$'); \
	 test -z "$$bad" || { echo "libgit2 used outside core/repo*.c: $$bad"; exit 1; }
	@bad=$$(grep -lE 'include <(libpq-fe|sqlite3)\.h>' core/*.c core/util/*.c cmd/*.c); \
	 test -z "$$bad" || { echo "database library used outside core/dialect: $$bad"; exit 1; }
	@bad=$$(grep -l 'include <yaml.h>' core/*.c cmd/*.c | grep -v '^core/yaml.c$$'); \
	 test -z "$$bad" || { echo "libyaml used outside core/yaml.c: $$bad"; exit 1; }
	@bad=$$(grep -lE '\b(printf|fprintf|puts|fputs)\s*\(' core/*.c core/*/*.c | grep -v '^core/error.c$$'); \
	 test -z "$$bad" || { echo "core prints: $$bad"; exit 1; }
	@bad=$$(grep -HE '^#include "' cmd/*.c cmd/*.h | \
	        grep -vE ':#include "(cmd\.h|git-migrate/[a-z_]+\.h)"$$'); \
	 test -z "$$bad" || { echo "cmd includes core internals: $$bad"; exit 1; }
	@bad=$$(grep -lE '\b(sigaction|signal)\s*\(' core/*.c core/*/*.c | grep -v '^core/interrupt.c$$'); \
	 test -z "$$bad" || { echo "signal handlers outside core/interrupt.c: $$bad"; exit 1; }
	@bad=$$(grep -l '"interrupted"' core/*.c core/*/*.c | grep -v '^core/interrupt.c$$'); \
	 test -z "$$bad" || { echo "interrupt error spelled outside core/interrupt.c: $$bad"; exit 1; }
	@bad=$$(grep -lE '\b(opendir|git_tree_lookup|git_blob_lookup)\s*\(' core/*.c core/*/*.c | \
	        grep -vE '^core/(repo[a-z_]*|util/file|dialect/sqlite)\.c$$'); \
	 test -z "$$bad" || { echo "a tree read outside core/repo*.c (the one tree abstraction): $$bad"; exit 1; }
	@bad=$$(grep -lE 'include "[a-z_/]*_int\.h"|include "(scratch|replay|chain|lock|interrupt|yaml|type)\.h"' \
	        include/git-migrate/*.h); \
	 test -z "$$bad" || { echo "a public header includes core internals: $$bad"; exit 1; }
	@sh scripts/check-api.sh

# The size limits (no product function over 80 lines, no C file over 800): scripts/check-size.sh.
check-size:
	@sh scripts/check-size.sh

# `make test`: everything CI runs — the suite (unit tests, CLI tests on SQLite) with gcc,
# the whole suite (unit tests, CLI tests on SQLite and on PostgreSQL) under ASan+UBSan,
# and a -Werror build with clang. The PostgreSQL CLI pass runs once, under the
# sanitizers: it checks the same behaviour as a gcc -O2 pass would, and more, and a second
# pass cost 9 of CI's 25 minutes (it waits on the server, not the CPU).
# `make test-one` runs the suite once in the current setup (`make test-one SANITIZE=1` for
# the sanitizer run alone, `CLI_DIALECTS=sqlite` to leave PostgreSQL out).
test: deps
	$(MAKE) test-one CLI_DIALECTS=sqlite
	$(MAKE) test-one SANITIZE=1 BUILD=$(BUILD)/asan
	$(MAKE) CC=clang BUILD=$(BUILD)/clang all units
	$(MAKE) fuzz FUZZ_SECONDS=30

# The CLI tests run once per dialect in CLI_DIALECTS: on SQLite, and on PostgreSQL against a
# throwaway server that tests/cli/with-pg.sh starts (initdb on a free loopback port) and
# stops, unless GIT_MIGRATE_TEST_PG names a server. The PostgreSQL pass runs, with
# GM_TEST_DIALECT=postgres, every CLI test but t00* (which touch no database), and the unit
# tests that need a server (PG_UNIT).
CLI_DIALECTS ?= sqlite postgres
PG_UNIT := $(BUILD)/tests/unit/test_postgres_inspect $(BUILD)/tests/unit/test_postgres_conn \
	$(BUILD)/tests/unit/test_pg_types_inspect $(BUILD)/tests/unit/test_postgres_inspect_memo

# Both passes check each inspection that reused tables from the connection's last one
# against a full inspection (GIT_MIGRATE_TEST_INSPECT_CHECK; sqlite_inspect_memo.c,
# postgres_inspect_memo.c): every scenario of the suite then exercises what the reuse may
# skip.
# A CLI test that fails also writes its last lines to FAIL_LOG, printed after prove's
# summary, so that a log read from its end (a CI's) shows what failed.
FAIL_LOG = $(abspath $(BUILD))/cli-failures.log
FAILED = { echo "--- what the failed CLI tests printed last ($(FAIL_LOG)):"; \
	cat $(FAIL_LOG) 2>/dev/null; exit 1; }

test-one: all units check-layers check-size fmt-check
	CMOCKA_MESSAGE_OUTPUT=TAP prove -e '' $(filter-out $(PG_UNIT),$(UNIT_BIN))
ifneq ($(filter sqlite,$(CLI_DIALECTS)),)
	rm -f $(FAIL_LOG)
	cd tests/cli && GM_BUILD=$(abspath $(BUILD)) GM_TEST_DIALECT=sqlite GM_FAIL_LOG=$(FAIL_LOG) \
		GIT_MIGRATE_TEST_INSPECT_CHECK=1 prove -j2 t[0-9]*.sh || $(FAILED)
endif
ifneq ($(filter postgres,$(CLI_DIALECTS)),)
	rm -f $(FAIL_LOG)
	cd tests/cli && GM_BUILD=$(abspath $(BUILD)) GM_FAIL_LOG=$(FAIL_LOG) ./with-pg.sh sh -c '\
		GIT_MIGRATE_TEST_INSPECT_CHECK=1 CMOCKA_MESSAGE_OUTPUT=TAP prove -e "" $(abspath $(PG_UNIT)) && \
		GM_TEST_DIALECT=postgres GIT_MIGRATE_TEST_INSPECT_CHECK=1 prove -j2 $$(ls t[0-9]*.sh | grep -v "^t00")' \
		|| $(FAILED)
endif

# `make fuzz`: the libFuzzer harnesses of tests/fuzz/ (one per parser: revision files,
# config, YAML models, CSV, YAML fixtures, the SQL splitter), built with clang and
# ASan+UBSan into $(BUILD)/fuzz, each run FUZZ_SECONDS seconds on a scratch copy of its
# seed corpus (tests/fuzz/corpus/<harness>, never written); a crash, leak, UB or timeout
# fails, and its input is kept in $(BUILD)/fuzz/artifacts.
FUZZ_SECONDS ?= 30
FUZZ_CC    ?= clang
FUZZ_DIR   := $(BUILD)/fuzz
FUZZ_SRC   := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN   := $(FUZZ_SRC:tests/fuzz/%.c=$(FUZZ_DIR)/%)
FUZZ_OBJ   := $(CORE_SRC:%.c=$(FUZZ_DIR)/obj/%.o)
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) -O1 -g -fno-omit-frame-pointer \
           -fsanitize=address,undefined -fno-sanitize-recover=all -Iinclude -iquote core \
           -DGM_VERSION='"$(VERSION)"' $(shell pkg-config --cflags $(PKGS) 2>/dev/null)

$(FUZZ_OBJ): $(FUZZ_DIR)/obj/%.o: %.c | pkg-check
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

$(FUZZ_DIR)/libgitmigrate.a: $(FUZZ_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(FUZZ_BIN): $(FUZZ_DIR)/%: tests/fuzz/%.c tests/fuzz/fuzz.h $(FUZZ_DIR)/libgitmigrate.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -Itests/fuzz -o $@ $< \
		$(FUZZ_DIR)/libgitmigrate.a $(LIBS)

fuzz-build: $(FUZZ_BIN)

fuzz: fuzz-build
	sh tests/fuzz/run.sh $(FUZZ_DIR) $(FUZZ_SECONDS) $(notdir $(FUZZ_BIN))

deps:
	@sh scripts/deps.sh

# The main job on a generated demo repository (DEMO_DIR to keep it somewhere).
demo: deps
	@$(MAKE) --no-print-directory all
	GM_BUILD=$(abspath $(BUILD)) sh scripts/demo.sh

bench: deps
	@$(MAKE) --no-print-directory all
	sh tests/bench/run.sh $(abspath $(BUILD))

# `git migrate ...` works once $(PREFIX)/bin is on PATH (git finds git-migrate there);
# man finds the pages from that PATH entry too ($(PREFIX)/bin → $(PREFIX)/share/man), so
# `git migrate --help` and `git migrate <command> --help` show them. bash-completion loads
# the completion from $(BASHCOMPDIR) for PREFIX /usr/local, /usr and ~/.local (others:
# XDG_DATA_DIRS=$(PREFIX)/share:...).
MANDIR      ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
MAN_PAGES   := $(wildcard doc/*.1)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(BASHCOMPDIR)
	install -m 755 $(BUILD)/git-migrate $(DESTDIR)$(PREFIX)/bin/git-migrate
	install -m 644 $(MAN_PAGES) $(DESTDIR)$(MANDIR)/man1
	install -m 644 contrib/completion/git-migrate.bash $(DESTDIR)$(BASHCOMPDIR)/git-migrate

# `make fmt` formats the C sources in place with .clang-format; `make fmt-check` changes
# nothing and fails (exit 1) naming the files that `make fmt` would change. The style is
# clang-format 14's (Debian bookworm's): other versions lay out some constructs differently,
# so clang-format-14 is used where it is installed under that name.
FMT_SRC := $(wildcard cmd/*.c cmd/*.h core/*.c core/*.h core/*/*.c core/*/*.h \
           include/git-migrate/*.h tests/unit/*.c tests/unit/*.h tests/fuzz/*.c tests/fuzz/*.h)
CLANG_FORMAT ?= $(firstword $(shell command -v clang-format-14 clang-format 2>/dev/null) \
                clang-format)

fmt-tool:
	@command -v $(CLANG_FORMAT) >/dev/null || { \
	 echo "fatal: $(CLANG_FORMAT) is missing; 'make deps' installs it (apt-get)" >&2; exit 2; }

fmt: fmt-tool
	@$(CLANG_FORMAT) -i $(FMT_SRC)

fmt-check: fmt-tool
	@bad=; for f in $(FMT_SRC); do \
		$(CLANG_FORMAT) --dry-run -Werror --ferror-limit=1 "$$f" 2>/dev/null || bad="$$bad $$f"; \
	 done; \
	 test -z "$$bad" || { echo "make fmt would change:$$bad" >&2; exit 1; }

clean:
	rm -rf $(BUILD)

.PHONY: all units test test-one deps demo bench install fmt fmt-check fmt-tool clean check-layers \
	check-size pkg-check fuzz fuzz-build
-include $(CORE_OBJ:.o=.d) $(CMD_OBJ:.o=.d) $(FUZZ_OBJ:.o=.d)
