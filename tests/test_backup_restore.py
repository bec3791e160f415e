"""scripts/backup.sh and scripts/restore.sh on PostgreSQL: what is restored is what was backed up.

The backed-up database is the test database itself: the reference and demo
data tests/conftest.py loads for the session are committed, so pg_dump (another
process) sees them, and nothing writes to it while these tests run. Each
restore goes into a scratch database created empty here and dropped afterwards.
"""

import os
import subprocess
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import psycopg2
import pytest
from django.db import connection

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="backup and restore use pg_dump and pg_restore: set DATABASE_URL=postgres://…",
    ),
    pytest.mark.django_db,  # the test database exists, with the session's data committed
]

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"
# The tables compared row by row (the others by their count).
CHECKSUMS = ["assignments_assignment", "communes_assessment", "assignments_fieldvisit"]
PHOTO = os.urandom(300_000)
MINUTES = "Biên bản làm việc xã Bản Vược.pdf".encode() + os.urandom(50_000)


@contextmanager
def cursor_on(name):
    params = connection.settings_dict
    conn = psycopg2.connect(
        dbname=name,
        user=params["USER"] or None,
        password=params["PASSWORD"] or None,
        host=params["HOST"] or None,
        port=params["PORT"] or None,
    )
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            yield cursor
    finally:
        conn.close()


def url(name):
    params = connection.settings_dict
    password = f":{quote(params['PASSWORD'], safe='')}" if params["PASSWORD"] else ""
    port = f":{params['PORT']}" if params["PORT"] else ""
    user = quote(params["USER"], safe="")
    return f"postgres://{user}{password}@{params['HOST']}{port}/{quote(name, safe='')}"


def run(script, *args, **env):
    return subprocess.run(
        [SCRIPTS / script, *args],
        env={**os.environ, **{key: str(value) for key, value in env.items()}},
        capture_output=True,
        text=True,
        timeout=600,
    )


def row_counts(name):
    """{table: row count} of every table of the database."""
    with cursor_on(name) as cursor:
        cursor.execute("select tablename from pg_tables where schemaname = 'public'")
        counts = {}
        for (table,) in cursor.fetchall():
            cursor.execute(f'select count(*) from "{table}"')
            counts[table] = cursor.fetchone()[0]
    return counts


def contents(name):
    """The row counts, and {table: md5 of its rows in id order} of the CHECKSUMS tables."""
    with cursor_on(name) as cursor:
        sums = {}
        for table in CHECKSUMS:
            cursor.execute(f"select md5(string_agg(t::text, E'\\n' order by t.id)) from {table} t")
            sums[table] = cursor.fetchone()[0]
    return row_counts(name), sums


@pytest.fixture(scope="module")
def backup(django_db_setup, tmp_path_factory):
    """One backup of the test database and a media folder; (folder, source contents)."""
    media = tmp_path_factory.mktemp("media")
    (media / "attachments" / "2025").mkdir(parents=True)
    (media / "attachments" / "2025" / "ảnh hiện trường.jpg").write_bytes(PHOTO)
    (media / "attachments" / "bien-ban.pdf").write_bytes(MINUTES)
    backups = tmp_path_factory.mktemp("backups")
    source = connection.settings_dict["NAME"]
    done = run("backup.sh", DATABASE_URL=url(source), MEDIA_ROOT=media, BACKUP_DIR=backups)
    assert done.returncode == 0, done.stderr
    (folder,) = (path for path in backups.iterdir() if path.is_dir())
    return folder, contents(source)


@pytest.fixture
def empty_database():
    name = f"{connection.settings_dict['NAME']}_restored"
    with cursor_on("postgres") as cursor:
        cursor.execute(f'drop database if exists "{name}"')
        cursor.execute(f'create database "{name}"')
    yield name
    with cursor_on("postgres") as cursor:
        cursor.execute(f'drop database if exists "{name}" with (force)')


def test_backup_writes_the_dump_the_media_and_a_manifest_of_every_table(backup):
    folder, (counts, _sums) = backup
    assert sorted(path.name for path in folder.iterdir()) == [
        "db.dump",
        "manifest.txt",
        "media.tar.gz",
    ]
    lines = [line.split("\t") for line in (folder / "manifest.txt").read_text().splitlines()]
    rows = {line[1].removeprefix("public."): int(line[2]) for line in lines if line[0] == "rows"}
    assert rows == counts
    assert counts["communes_commune"] > 100 and counts["assignments_assignment"] >= 127
    files = [line[3] for line in lines if line[0] == "file"]
    assert files == ["db.dump", "media.tar.gz"]


def test_restore_into_an_empty_database_gives_the_same_rows_and_files(
    backup, empty_database, tmp_path
):
    folder, source = backup
    media = tmp_path / "restored-media"
    done = run("restore.sh", folder, DATABASE_URL=url(empty_database), MEDIA_ROOT=media)

    assert done.returncode == 0, done.stderr
    assert "rows, the same counts as the manifest." in done.stdout
    assert "Media: 2 files, identical to the archive." in done.stdout
    assert contents(empty_database) == source
    assert all(source[1].values())  # the checksums compared rows, not empty tables
    assert (media / "attachments" / "2025" / "ảnh hiện trường.jpg").read_bytes() == PHOTO
    assert (media / "attachments" / "bien-ban.pdf").read_bytes() == MINUTES

    # A second restore into the now filled database is refused and changes nothing.
    again = run("restore.sh", folder, DATABASE_URL=url(empty_database), MEDIA_ROOT=tmp_path / "x")
    assert again.returncode != 0
    assert "is not empty" in again.stderr and "--force" in again.stderr
    assert contents(empty_database) == source


def test_a_damaged_backup_is_refused_before_anything_is_written(backup, empty_database, tmp_path):
    folder, _source = backup
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    for path in folder.iterdir():
        (damaged / path.name).write_bytes(path.read_bytes())
    dump = bytearray((damaged / "db.dump").read_bytes())
    dump[len(dump) // 2] ^= 0xFF
    (damaged / "db.dump").write_bytes(bytes(dump))

    done = run("restore.sh", damaged, DATABASE_URL=url(empty_database), MEDIA_ROOT=tmp_path / "m")

    assert done.returncode != 0
    assert "db.dump: SHA-256 differs from the manifest" in done.stderr
    assert row_counts(empty_database) == {}
    assert not (tmp_path / "m").exists()


def test_backup_keeps_only_the_newest_backup_keep_folders(django_db_setup, tmp_path):
    backups = tmp_path / "backups"
    env = {
        "DATABASE_URL": url(connection.settings_dict["NAME"]),
        "MEDIA_ROOT": tmp_path / "media",
        "BACKUP_DIR": backups,
        "BACKUP_KEEP": 2,
    }
    names = []
    for _ in range(3):
        done = run("backup.sh", **env)
        assert done.returncode == 0, done.stderr
        names.append(done.stdout.split("Backup written to ")[1].split(" in ")[0])
    assert sorted(str(path) for path in backups.iterdir() if path.is_dir()) == names[1:]
    assert "deleted 1." in done.stdout
