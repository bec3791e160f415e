"""`manage.py import_excel` refuses what the pages would refuse, in a sentence: a year no
programme period holds, an importer who is not the office, and a file too large, named
with its true size (the pages say the same)."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from reports.imports.container import read_limited
from reports.imports.files import ImportFileError
from reports.models import ImportBatch

from .import_workbooks import upload, workbook_bytes

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


def refused(*args):
    with pytest.raises(CommandError) as error:
        call_command("import_excel", *args, stdout=io.StringIO())
    assert error.value.returncode == 1
    return str(error.value)


@pytest.fixture
def matrix_file(tmp_path):
    path = tmp_path / "tieu-chi.xlsx"
    path.write_bytes(workbook_bytes([["STT", "Xã"]]))
    return path


@pytest.mark.parametrize("year", ["99999999999999999999", "70000", "1999", "-5"])
def test_a_year_of_no_programme_period_is_refused_by_name(matrix_file, year):
    message = refused("matrix", str(matrix_file), "--year", year)

    assert f"--year: năm {int(year)} không thuộc giai đoạn chương trình nào" in message
    assert "2021–2030" in message
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize(
    "username", ["nguoixem", "thanhvien_a", "lanhdao"], ids=["reader", "member", "leader"]
)
def test_only_an_office_account_may_be_named_as_the_importer(matrix_file, username):
    message = refused("matrix", str(matrix_file), "--year", "2025", "--user", username)

    assert f"Tài khoản {username} không thuộc Văn phòng điều phối NTM" in message
    assert "chỉ văn phòng được nhập Excel" in message
    assert not ImportBatch.objects.exists()


def test_an_inactive_office_account_is_refused(matrix_file, office_user):
    office_user.is_active = False
    office_user.save(update_fields=["is_active"])

    message = refused("matrix", str(matrix_file), "--year", "2025", "--user", "vanphong")

    assert "Tài khoản vanphong đã bị khoá" in message
    assert not ImportBatch.objects.exists()


def test_the_office_is_accepted_as_the_importer(matrix_file, office_user):
    # Past the checks of the importer: the file itself is what is refused.
    message = refused("matrix", str(matrix_file), "--year", "2025", "--user", "vanphong")

    assert "Văn phòng" not in message
    assert ImportBatch.objects.get().uploaded_by == office_user


def test_a_20_mb_file_is_named_with_its_true_size(tmp_path):
    path = tmp_path / "lon.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * (20 * MB - 4))

    message = refused("matrix", str(path), "--year", "2025")

    assert "Tệp quá lớn (20,0 MB); chỉ nhận tệp Excel đến 10 MB." in message


def test_a_file_just_over_the_limit_does_not_read_as_the_limit(tmp_path):
    path = tmp_path / "vua-qua.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * (10 * MB))

    assert "Tệp quá lớn (10,1 MB)" in refused("matrix", str(path), "--year", "2025")


def test_a_stream_without_a_size_is_named_with_its_true_size():
    class Pipe(io.RawIOBase):  # no size, no file number: read to the end
        def __init__(self):
            self.left = 20 * MB

        def readable(self):
            return True

        def readinto(self, buffer):
            count = min(len(buffer), self.left)
            buffer[:count] = b"\x00" * count
            self.left -= count
            return count

    with pytest.raises(ImportFileError, match=r"Tệp quá lớn \(20,0 MB\)"):
        read_limited(Pipe())


def test_the_upload_page_names_the_true_size(office_client):
    data = b"PK\x03\x04" + b"\x00" * (20 * MB - 4)

    response = office_client.post(
        reverse("reports:import_matrix"), {"year": 2025, "file": upload(data)}
    )

    assert response.status_code == 400
    assert "Tệp quá lớn (20,0 MB); chỉ nhận tệp Excel đến 10 MB." in response.content.decode()
