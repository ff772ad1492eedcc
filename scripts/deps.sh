#!/bin/sh
# Install the Debian packages git-migrate needs to build and test, when missing.
# Used by `make deps` (and so by `make demo` and `make test`) and by .ci/run.
set -e
pkgs="build-essential pkg-config git libgit2-dev libpq-dev libsqlite3-dev libyaml-dev
libcmocka-dev sqlite3 postgresql clang libclang-rt-14-dev clang-format perl python3
python3-yaml man-db bash-completion python3-alembic python3-sqlalchemy python3-flask-migrate
python3-flask-sqlalchemy python3-psycopg2"
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
test -z "$missing" && exit 0
echo "installing missing Debian packages:$missing" >&2
if test "$(id -u)" = 0; then
	SUDO=
elif command -v sudo >/dev/null 2>&1; then
	SUDO=sudo
else
	echo "fatal: missing packages:$missing; install them with apt-get as root" >&2
	exit 2
fi
$SUDO apt-get update -qq || echo "warning: apt-get update failed; trying the cached lists" >&2
if ! DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
	$missing >/dev/null; then
	still=
	for p in $missing; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
			still="$still $p"
	done
	echo "fatal: could not install the Debian packages:$still (apt-get install failed)" >&2
	exit 2
fi
