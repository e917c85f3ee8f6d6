#!/usr/bin/env bash
# The whole check, as `make test` runs it: format, lint, types, layers, migrations, the test
# suite (PostgreSQL when reachable, else SQLite) and the browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
V=.venv/bin

if [ "${GOVDOC_ONLY_TESTS:-0}" != "1" ]; then
  echo "== ruff format --check"; $V/ruff format --check .
  echo "== ruff check"; $V/ruff check .
  echo "== mypy --strict"; $V/mypy govdoc config
  echo "== import-linter"; $V/lint-imports
  echo "== makemigrations --check"
  GOVDOC_DATA_DIR="$(mktemp -d)" $V/python manage.py makemigrations --check --dry-run >/dev/null
fi

db_url="${GOVDOC_TEST_DATABASE_URL:-}"
if [ -z "$db_url" ] && [ "${GOVDOC_TEST_SQLITE:-0}" != "1" ]; then
  if $V/python - <<'PY' 2>/dev/null
import psycopg
psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", connect_timeout=3).close()
PY
  then
    db_url="postgres://postgres@127.0.0.1:5432/govdoc"
  fi
fi
if [ -n "$db_url" ]; then
  echo "== tests on PostgreSQL ($db_url; pytest-django uses the test_ database beside it)"
  export GOVDOC_DATABASE_URL="$db_url"
else
  if [ "${GOVDOC_TEST_SQLITE:-0}" = "1" ]; then
    echo "== tests on SQLite (asked for: PostgreSQL-only tests are skipped)"
  else
    echo "== tests on SQLite (PostgreSQL not reachable: PostgreSQL-only tests are skipped)"
  fi
  unset GOVDOC_DATABASE_URL
fi
export GOVDOC_DATA_DIR="${GOVDOC_DATA_DIR:-$(mktemp -d)}"
$V/pytest --create-db -p no:cacheprovider "$@"
