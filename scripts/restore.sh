#!/usr/bin/env bash
# Restore an NTM Portal backup (scripts/backup.sh) into an empty database and media folder.
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: scripts/restore.sh [--force] BACKUP_FOLDER

Restores a folder written by scripts/backup.sh:

  1. checks the SHA-256 of db.dump and media.tar.gz against manifest.txt;
  2. restores db.dump into the database of DATABASE_URL, in one transaction;
  3. unpacks media.tar.gz into MEDIA_ROOT;
  4. counts the rows of every table and compares them with the manifest.

The database must exist and be empty (create it with
`createdb -O <user> <name>`), and MEDIA_ROOT must be empty or missing: the
script refuses anything else and changes nothing. With --force it restores
over them: every table in the backup is dropped and created again, and media
files with the same name are overwritten (other files stay).

Environment:
  DATABASE_URL  postgres://user:password@host:port/name of the TARGET   (required)
  MEDIA_ROOT    the media folder to fill            (default: media/ of the project)

See docs/operations.md ("Restore drill").
EOF
}

force=0
folder=""
while [ $# -gt 0 ]; do
    case "$1" in
        -h | --help) usage; exit 0 ;;
        --force) force=1 ;;
        -*) usage >&2; exit 2 ;;
        *) [ -z "$folder" ] || { usage >&2; exit 2; }; folder="$1" ;;
    esac
    shift
done
[ -n "$folder" ] || { usage >&2; exit 2; }

PROJECT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/pgenv.sh
. "$PROJECT_DIR/scripts/pgenv.sh"

require_tools pg_restore psql tar sha256sum
started=$SECONDS
manifest="$folder/manifest.txt"
[ -f "$manifest" ] || die "${folder} is not a backup: it has no manifest.txt."

# 1. The files are those the backup wrote.
echo "Checking ${folder}"
grep -q "^file	" "$manifest" || die "${manifest} lists no file."
while IFS=$'\t' read -r _kind sum size file; do
    [ -f "$folder/$file" ] || die "${folder}/${file} is missing."
    [ "$(stat -c %s "$folder/$file")" = "$size" ] || die "${file}: size differs from the manifest."
    [ "$(sha256sum "$folder/$file" | cut -d' ' -f1)" = "$sum" ] ||
        die "${file}: SHA-256 differs from the manifest; the copy is damaged."
    echo "  ${file}: SHA-256 ok"
done < <(grep "^file	" "$manifest")

# 2. Refuse a target that holds data, before anything is written.
pgenv_from_url
MEDIA="$(media_root)"
if ! error="$(psql --no-password -X -Atc 'select 1' 2>&1 >/dev/null)"; then
    die "cannot connect to $(pg_describe): ${error}" \
        "(a database that does not exist yet is created empty with:" \
        "createdb -O ${PGUSER:-<user>} ${PGDATABASE})"
fi
relations="$(psql --no-password -X -Atc "
    select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind in ('r', 'p', 'v', 'm', 'S', 'f')
      and n.nspname not in ('pg_catalog', 'information_schema')
      and n.nspname not like 'pg_toast%' and n.nspname not like 'pg_temp%'")"
media_used=0
if [ -d "$MEDIA" ] && [ -n "$(find "$MEDIA" -mindepth 1 -print -quit)" ]; then
    media_used=1
fi
if [ "$force" -eq 0 ]; then
    [ "$relations" -eq 0 ] ||
        die "$(pg_describe) is not empty (${relations} tables, views or sequences). Restore" \
            "into a new empty database, or add --force to replace the tables of the backup."
    [ "$media_used" -eq 0 ] ||
        die "${MEDIA} is not empty. Restore into an empty media folder, or add --force."
    clean=()
else
    [ "$relations" -eq 0 ] ||
        echo "WARNING: --force: the tables of the backup in $(pg_describe) are dropped and" \
            "restored (${relations} relations there now)." >&2
    [ "$media_used" -eq 0 ] ||
        echo "WARNING: --force: files of the backup overwrite those in ${MEDIA}." >&2
    clean=(--clean --if-exists)
fi

# 3. The database, all or nothing.
echo "Restoring the database into $(pg_describe)"
pg_restore --no-password --exit-on-error --single-transaction --no-owner --no-privileges \
    "${clean[@]}" --dbname="$PGDATABASE" "$folder/db.dump"
# Fresh planner statistics for the restored tables (pg_restore leaves none).
psql --no-password -X -qc "analyze $(awk -F'\t' '$1 == "rows" { print $2 }' "$manifest" | paste -sd,)"

# 4. The media.
echo "Restoring the media into ${MEDIA}"
mkdir -p "$MEDIA"
tar --extract --gzip --file="$folder/media.tar.gz" --directory="$MEDIA"
# --compare also reports owner and time differences, expected when another user restores.
media_diff="$(tar --compare --gzip --file="$folder/media.tar.gz" --directory="$MEDIA" 2>&1 |
    grep -E 'Contents differ|Size differs|No such file|Not a regular file|File type differs' ||
    true)"
media_files="$(tar --list --gzip --file="$folder/media.tar.gz" | grep -vc '/$' || true)"

# 5. Every table has the rows of the manifest.
tables=0
rows=0
mismatches=()
while IFS=$'\t' read -r _kind table expected; do
    found="$(psql --no-password -X -Atc "select count(*) from ${table}" 2>/dev/null)" || found=""
    tables=$((tables + 1))
    rows=$((rows + expected))
    [ "$found" = "$expected" ] ||
        mismatches+=("${table}: ${expected} rows in the backup, ${found:-no such table} now")
done < <(grep "^rows	" "$manifest")

echo
echo "Restored $(awk -F'\t' '$1 == "created" { print $2 }' "$manifest") backup of" \
    "$(awk -F'\t' '$1 == "database" { print $2 }' "$manifest")"
echo "  into the database $(pg_describe) and ${MEDIA}, in $((SECONDS - started)) s."
if [ "${#mismatches[@]}" -eq 0 ]; then
    echo "  Database: ${tables} tables, ${rows} rows, the same counts as the manifest."
else
    echo "  Database: ${#mismatches[@]} of ${tables} tables differ from the manifest:"
    printf '    %s\n' "${mismatches[@]}"
fi
if [ -z "$media_diff" ]; then
    echo "  Media: ${media_files} files, identical to the archive."
else
    echo "  Media: files differ from the archive:"
    printf '    %s\n' "$media_diff"
fi
[ "${#mismatches[@]}" -eq 0 ] && [ -z "$media_diff" ] || die "the restore does not match the backup."
echo "Next: run 'manage.py migrate' if this backup is older than the code, then" \
    "'manage.py refresh_scores --check'."
