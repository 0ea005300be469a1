# Sourced by .ci/run (and usable by hand: `. .ci/postgres.sh`).
# Installs PostgreSQL from Debian packages when it is missing, starts a throw-away
# cluster on loopback and exports INNODRIVE_TEST_POSTGRES_URL for the test suite.
# Tests marked `postgres` run against it; without the variable they are skipped locally,
# but CI always sets it, so storage and tracking are checked on both databases there.

_pg_bin=""
for d in /usr/lib/postgresql/*/bin; do
  [ -x "$d/pg_ctl" ] && _pg_bin="$d"
done
if [ -z "$_pg_bin" ]; then
  echo "[ci] installing PostgreSQL from Debian packages"
  export DEBIAN_FRONTEND=noninteractive
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq postgresql >/dev/null
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/pg_ctl" ] && _pg_bin="$d"
  done
fi

_pg_port="${INNODRIVE_PG_PORT:-54329}"
_pg_dir="$(mktemp -d /tmp/innodrive-pg.XXXXXX)"
_pg_user="$(id -un)"
_as_pg() { "$@"; }
if [ "$(id -u)" -eq 0 ]; then
  # PostgreSQL refuses to run as root: run the server as the 'postgres' system user.
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  chown postgres "$_pg_dir"
  _pg_user="postgres"
  _as_pg() { runuser -u postgres -- "$@"; }
fi
_as_pg "$_pg_bin/initdb" -D "$_pg_dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
_as_pg "$_pg_bin/pg_ctl" -D "$_pg_dir/data" -l "$_pg_dir/log" -w \
  -o "-c listen_addresses=127.0.0.1 -c port=$_pg_port -c unix_socket_directories=$_pg_dir -c fsync=off" start >/dev/null
_as_pg "$_pg_bin/createdb" -h 127.0.0.1 -p "$_pg_port" -U postgres innodrive_test
export INNODRIVE_TEST_POSTGRES_URL="postgresql+pg8000://postgres@127.0.0.1:${_pg_port}/innodrive_test"
echo "[ci] PostgreSQL ready: $INNODRIVE_TEST_POSTGRES_URL"
trap '_as_pg "$_pg_bin/pg_ctl" -D "$_pg_dir/data" -m fast stop >/dev/null 2>&1 || true' EXIT
