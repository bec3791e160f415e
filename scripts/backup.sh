#!/usr/bin/env bash
# Back up NTM Portal: the PostgreSQL database and the media folder, in one dated folder.
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: scripts/backup.sh

Backs up the PostgreSQL database of DATABASE_URL (pg_dump -Fc) and the uploaded
files (MEDIA_ROOT) into BACKUP_DIR/<YYYY-MM-DDTHHMMSS>/:

  db.dump        the database in pg_dump's custom format (read by pg_restore)
  media.tar.gz   the media folder
  manifest.txt   rows per table (counted in the dump) and the SHA-256 of each file

then deletes the oldest backups so that BACKUP_KEEP remain. A failed backup
leaves no folder behind and deletes nothing.

Environment:
  DATABASE_URL  postgres://user:password@host:port/name   (required)
  MEDIA_ROOT    the media folder                           (default: media/ of the project)
  BACKUP_DIR    where the dated folders go                 (default: backups/ of the project)
  BACKUP_KEEP   how many backups to keep                   (default: 14)

Restore with scripts/restore.sh; see docs/operations.md.
EOF
}

case "${1:-}" in
    -h | --help) usage; exit 0 ;;
    "") ;;
    *) usage >&2; exit 2 ;;
esac

PROJECT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/pgenv.sh
. "$PROJECT_DIR/scripts/pgenv.sh"

require_tools pg_dump pg_restore psql tar sha256sum flock
pgenv_from_url
MEDIA="$(media_root)"
BACKUP_DIR="${BACKUP_DIR:-$PROJECT_DIR/backups}"
BACKUP_KEEP="${BACKUP_KEEP:-14}"
[[ "$BACKUP_KEEP" =~ ^[1-9][0-9]*$ ]] || die "BACKUP_KEEP must be a whole number ≥ 1."

umask 077 # the dump holds personal data and password hashes
mkdir -p "$BACKUP_DIR"
exec 9>"$BACKUP_DIR/.lock"
flock -n 9 || die "another backup into ${BACKUP_DIR} is running."

started=$SECONDS
stamp="$(date +%Y-%m-%dT%H%M%S)"
name="$stamp"
n=1
while [ -e "$BACKUP_DIR/$name" ]; do # two backups within one second
    n=$((n + 1))
    name="$stamp-$n"
done
work="$BACKUP_DIR/.partial-$name"
trap 'rm -rf "$work"' EXIT
mkdir "$work"

echo "Backing up $(pg_describe)"
server="$(psql --no-password -X -Atc 'show server_version')"
pg_dump --no-password --format=custom --file="$work/db.dump"

echo "Backing up the media folder ${MEDIA}"
if [ -d "$MEDIA" ]; then
    media_files="$(find "$MEDIA" -type f | wc -l)"
    # GNU tar exits with 1 when a file changed while it was read (an upload in
    # progress): the archive is still usable, so that is a warning.
    status=0
    tar --create --gzip --file="$work/media.tar.gz" --directory="$MEDIA" . || status=$?
    [ "$status" -le 1 ] || die "tar failed (exit ${status})."
    [ "$status" -eq 0 ] || echo "warning: a file changed while the media folder was archived." >&2
else
    echo "warning: ${MEDIA} does not exist; the media archive is empty." >&2
    media_files=0
    tar --create --gzip --file="$work/media.tar.gz" --files-from=/dev/null
fi

# Rows per table as they are in the dump (one COPY line per row), so the counts
# are those of pg_dump's snapshot even while the portal is in use.
rows="$(
    pg_restore --data-only --file=- "$work/db.dump" | awk '
        /^COPY / && !copying { table = $2; count = 0; copying = 1; next }
        copying && $0 == "\\." { print table "\t" count; copying = 0; next }
        copying { count++ }
    ' | sort
)"

{
    echo "# NTM Portal backup, written by scripts/backup.sh and checked by scripts/restore.sh."
    printf 'created\t%s\n' "$(date --iso-8601=seconds)"
    printf 'database\t%s\n' "$(pg_describe)"
    printf 'server\tPostgreSQL %s\n' "$server"
    printf 'pg_dump\t%s\n' "$(pg_dump --version)"
    printf 'media\t%s\t%s files\n' "$MEDIA" "$media_files"
    for file in db.dump media.tar.gz; do
        printf 'file\t%s\t%s\t%s\n' \
            "$(sha256sum "$work/$file" | cut -d' ' -f1)" "$(stat -c %s "$work/$file")" "$file"
    done
    printf '%s\n' "$rows" | sed 's/^/rows\t/'
} >"$work/manifest.txt"

mv "$work" "$BACKUP_DIR/$name"
trap - EXIT

# Keep the newest BACKUP_KEEP complete backups (folders with a manifest) and delete the others.
mapfile -t backups < <(
    find "$BACKUP_DIR" -mindepth 2 -maxdepth 2 -name manifest.txt -printf '%h\n' |
        grep -E '/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{6}(-[0-9]+)?$' | sort
)
deleted=0
while [ "${#backups[@]}" -gt "$BACKUP_KEEP" ]; do
    rm -rf -- "${backups[0]}"
    backups=("${backups[@]:1}")
    deleted=$((deleted + 1))
done

tables="$(printf '%s\n' "$rows" | grep -c .)"
total="$(printf '%s\n' "$rows" | awk -F'\t' '{ sum += $2 } END { print sum + 0 }')"
echo "Backup written to $BACKUP_DIR/$name in $((SECONDS - started)) s:"
du -h "$BACKUP_DIR/$name"/* | sed 's/^/  /'
echo "  ${tables} tables, ${total} rows, ${media_files} media files"
echo "Kept ${#backups[@]} backups (BACKUP_KEEP=${BACKUP_KEEP}); deleted ${deleted}."
