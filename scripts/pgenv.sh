# shellcheck shell=bash
# Sourced by backup.sh and restore.sh: the database of DATABASE_URL as PG* variables.
#
# pg_dump, pg_restore and psql read PGHOST, PGPORT, PGUSER, PGPASSWORD and
# PGDATABASE from the environment, so the password never appears on a command
# line (where `ps` would show it to every user of the server).

die() {
    echo "$(basename "$0"): $*" >&2
    exit 1
}

# Percent-decoding as in URLs ("%40" → "@"); a backslash stays a backslash.
urldecode() {
    local value="${1//\\/\\\\}"
    printf '%b' "${value//%/\\x}"
}

# Export PG* for DATABASE_URL = postgres://user:password@host:port/name?sslmode=…
# Variables already set in the environment (PGHOST, PGPASSWORD…) are replaced so
# that DATABASE_URL alone decides which database is used.
pgenv_from_url() {
    local url="${DATABASE_URL:-}"
    [ -n "$url" ] || die "DATABASE_URL is not set (postgres://user:password@host:port/name)."
    local pattern='^(postgres|postgresql|pgsql)://(([^@/]*)@)?([^/?]*)(/([^?]*))?(\?(.*))?$'
    if ! [[ "$url" =~ $pattern ]]; then
        case "$url" in
            sqlite:*) die "DATABASE_URL is SQLite: these scripts back up PostgreSQL only. Copy" \
                "the SQLite file with: sqlite3 db.sqlite3 \".backup backup.sqlite3\"" ;;
            *) die "DATABASE_URL is not a postgres:// URL." ;;
        esac
    fi
    local userinfo="${BASH_REMATCH[3]}" hostport="${BASH_REMATCH[4]}"
    local name="${BASH_REMATCH[6]}" query="${BASH_REMATCH[8]}"
    unset PGHOST PGHOSTADDR PGPORT PGUSER PGPASSWORD PGDATABASE PGSERVICE

    if [ -n "$userinfo" ]; then
        if [[ "$userinfo" == *:* ]]; then
            export PGUSER PGPASSWORD
            PGUSER="$(urldecode "${userinfo%%:*}")"
            PGPASSWORD="$(urldecode "${userinfo#*:}")"
        else
            export PGUSER
            PGUSER="$(urldecode "$userinfo")"
        fi
    fi
    local host="$hostport" port=""
    if [[ "$hostport" == \[*\]* ]]; then # [IPv6]:port
        host="${hostport%%]*}"
        host="${host#[}"
        port="${hostport#*]}"
        port="${port#:}"
    elif [[ "$hostport" == *:* ]]; then
        host="${hostport%:*}"
        port="${hostport##*:}"
    fi
    # A percent-encoded host is a Unix socket folder (postgres://%2Fvar%2Frun%2Fpostgresql/db).
    if [ -n "$host" ]; then
        export PGHOST
        PGHOST="$(urldecode "$host")"
    fi
    [ -z "$port" ] || export PGPORT="$port"
    name="$(urldecode "$name")"
    [ -n "$name" ] || die "DATABASE_URL names no database (…/name at the end)."
    export PGDATABASE="$name"

    local pair key value
    local IFS='&'
    for pair in $query; do
        key="${pair%%=*}"
        value="$(urldecode "${pair#*=}")"
        case "$key" in
            sslmode) export PGSSLMODE="$value" ;;
            sslrootcert) export PGSSLROOTCERT="$value" ;;
            sslcert) export PGSSLCERT="$value" ;;
            sslkey) export PGSSLKEY="$value" ;;
            connect_timeout) export PGCONNECT_TIMEOUT="$value" ;;
            *) echo "$(basename "$0"): ignoring DATABASE_URL option ${key}" >&2 ;;
        esac
    done
}

# "name on host:port as user", never the password.
pg_describe() {
    echo "${PGDATABASE} on ${PGHOST:-the local socket}:${PGPORT:-5432} as ${PGUSER:-$(id -un)}"
}

require_tools() {
    local tool
    for tool in "$@"; do
        command -v "$tool" >/dev/null 2>&1 ||
            die "${tool} is missing (Debian: apt-get install postgresql-client tar coreutils)."
    done
}

# MEDIA_ROOT as the application resolves it when started from the project folder.
media_root() {
    local root="${MEDIA_ROOT:-$PROJECT_DIR/media}"
    case "$root" in
        /*) echo "$root" ;;
        *) echo "$PROJECT_DIR/${root#./}" ;;
    esac
}
