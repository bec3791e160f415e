"""The annex import asks which decision the file is (the decision's own annex or an amending
decision) and from which day its new pairs take effect: on the upload page and on the
command line, with a Vietnamese sentence for every bad answer and nothing written."""

import datetime
import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from assignments.models import Assignment, Decision
from reports.models import ImportBatch

from .import_workbooks import active_assignment, upload, workbook_bytes

# Decision 1599's annexes, imported as before 01/07/2025 (conftest.before_the_reform).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("before_the_reform")]

D = datetime.date
URL = reverse("reports:import_annex")


@pytest.fixture
def decision():
    return Decision.objects.get(number="1599/QĐ-UBND")


@pytest.fixture
def y_ty():
    return active_assignment("Y Tý")


@pytest.fixture
def annex(y_ty):
    """Y Tý gets a new leader of the same agency."""
    header = ["STT", "Họ và tên", "Chức vụ", "Cơ quan", "Xã"]
    row = [1, "Sần Thị Mai", "Phó Giám đốc", y_ty.leader.agency.name, "Y Tý"]
    return workbook_bytes([header, row])


def amending(**overrides):
    fields = {
        "source": "sua_doi",
        "amendment_number": "88/QĐ-UBND",
        "amendment_issued_on": "10/09/2024",
        "amendment_title": "Sửa đổi, bổ sung Phụ lục Quyết định 1599/QĐ-UBND",
        "effective_on": "",
    }
    fields.update(overrides)
    return fields


def written():
    return (
        Assignment.objects.count(),
        Assignment.history.count(),
        Decision.objects.count(),
        ImportBatch.objects.exclude(status="cancelled").count(),
    )


def test_the_upload_page_asks_which_decision_and_from_when(office_client):
    html = office_client.get(URL).content.decode()

    assert "Tệp này là phụ lục của" in html
    assert re.search(r'<input type="radio" name="source" value="goc"[^>]* checked', html)
    assert 'type="radio" name="source" value="sua_doi"' in html
    for name in ("amendment_number", "amendment_issued_on", "amendment_title", "effective_on"):
        assert f'name="{name}"' in html


def test_an_amending_decisions_annex_previews_the_change_and_its_day_then_writes_it(
    office_client, decision, annex, y_ty
):
    response = office_client.post(
        URL, {"decision": decision.pk, "file": upload(annex), **amending()}, follow=True
    )

    page = response.content.decode()
    batch = ImportBatch.objects.get()
    assert (batch.amendment_number, batch.effective_on) == ("88/QĐ-UBND", D(2024, 9, 10))
    assert "Phụ lục của Quyết định 88/QĐ-UBND ngày 10/09/2024 sửa đổi" in page
    assert "Các cặp mới có hiệu lực từ ngày 10/09/2024" in page
    assert "kết thúc ngày 09/09/2024 (lý do: Quyết định sửa đổi)" in page
    assert '<th scope="col">Từ ngày</th>' in page and "<td>10/09/2024</td>" in page
    assert not Decision.objects.filter(number="88/QĐ-UBND").exists()  # not before confirm

    office_client.post(reverse("reports:import_preview", args=[batch.pk]), {"action": "confirm"})

    amendment = Decision.objects.get(number="88/QĐ-UBND", amends=decision)
    y_ty.refresh_from_db()
    assert (y_ty.ended_on, y_ty.end_reason) == (D(2024, 9, 9), "amended")
    assert y_ty.end_note == "Thay thế theo Quyết định 88/QĐ-UBND ngày 10/09/2024"
    new = y_ty.successor
    assert (new.decision, new.started_on, new.leader.full_name) == (
        amendment,
        D(2024, 9, 10),
        "Sần Thị Mai",
    )
    assert new.working_group == y_ty.working_group  # the same agency keeps its group


def test_an_effective_day_of_its_own_is_kept(office_client, decision, annex, y_ty):
    office_client.post(
        URL,
        {"decision": decision.pk, "file": upload(annex), **amending(effective_on="01/10/2024")},
    )
    batch = ImportBatch.objects.get()
    office_client.post(reverse("reports:import_preview", args=[batch.pk]), {"action": "confirm"})

    y_ty.refresh_from_db()
    assert (y_ty.ended_on, y_ty.successor.started_on) == (D(2024, 9, 30), D(2024, 10, 1))


def test_the_decisions_own_annex_from_a_given_day(office_client, decision, annex, y_ty):
    office_client.post(
        URL,
        {
            "decision": decision.pk,
            "file": upload(annex),
            "source": "goc",
            "effective_on": "15/08/2024",
        },
    )
    batch = ImportBatch.objects.get()
    page = office_client.get(reverse("reports:import_preview", args=[batch.pk])).content.decode()
    assert "Phụ lục của chính Quyết định 1599/QĐ-UBND" in page
    office_client.post(reverse("reports:import_preview", args=[batch.pk]), {"action": "confirm"})

    y_ty.refresh_from_db()
    assert (y_ty.ended_on, y_ty.end_reason, y_ty.successor.decision) == (
        D(2024, 8, 14),
        "other",
        decision,
    )
    assert not Decision.objects.filter(amends=decision).exists()


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        (amending(amendment_number=""), "Hãy ghi số quyết định sửa đổi."),
        (amending(amendment_issued_on=""), "Hãy ghi ngày ban hành quyết định sửa đổi."),
        (amending(amendment_title=" "), "Hãy ghi trích yếu quyết định sửa đổi."),
        (amending(amendment_issued_on="31/02/2024"), "tháng 2 năm 2024 có 29 ngày"),
        (amending(effective_on="1/13/2024"), "Không có ngày “1/13/2024”: một năm có 12 tháng"),
        (amending(effective_on="đầu năm"), "Hãy ghi ngày theo dạng dd/mm/yyyy"),
        (amending(effective_on="01/01/9999"), "nằm ngoài khoảng hợp lệ"),
        (amending(amendment_number="1599/QĐ-UBND"), "Đã có Quyết định 1599/QĐ-UBND"),
        ({"source": "khac"}, "Hãy chọn tệp là phụ lục của quyết định nào."),
    ],
)
def test_bad_answers_are_refused_in_vietnamese_and_nothing_is_written(
    office_client, decision, annex, fields, says
):
    before = written()

    response = office_client.post(URL, {"decision": decision.pk, "file": upload(annex), **fields})

    assert response.status_code == 400
    assert says in response.content.decode()
    assert written() == before


def test_a_day_too_early_shows_the_rows_and_confirm_writes_nothing(
    office_client, decision, annex, y_ty
):
    response = office_client.post(
        URL,
        {
            "decision": decision.pk,
            "file": upload(annex),
            **amending(amendment_issued_on="01/01/2021"),
        },
        follow=True,
    )
    page = response.content.decode()
    assert "phân công hiện tại của xã Y Tý bắt đầu từ 01/01/2021" in page
    batch = ImportBatch.objects.get()
    before = written()

    response = office_client.post(
        reverse("reports:import_preview", args=[batch.pk]), {"action": "confirm"}, follow=True
    )

    assert "Chưa ghi gì" in response.content.decode()
    assert written() == before


# --- the command -----------------------------------------------------------------------


@pytest.fixture
def path(tmp_path, annex):
    file = tmp_path / "phu-luc-88.xlsx"
    file.write_bytes(annex)
    return file


def command(path, *options):
    out = io.StringIO()
    call_command("import_excel", "annex", str(path), *options, stdout=out)
    return out.getvalue()


def test_the_command_imports_an_amending_decisions_annex(path, decision, y_ty):
    out = command(
        path,
        "--decision", "1599/QĐ-UBND",
        "--amendment-number", "88/QĐ-UBND",
        "--amendment-date", "10/09/2024",
        "--amendment-title", "Sửa đổi Phụ lục",
        "--effective", "2024-09-15",
        "--user", "vanphong",
    )  # fmt: skip

    assert "Phụ lục của Quyết định 88/QĐ-UBND ngày 10/09/2024 sửa đổi" in out
    assert "Y Tý" in out and "từ 15/09/2024" in out
    assert "0 thêm mới, 1 cập nhật" in out
    y_ty.refresh_from_db()
    assert (y_ty.ended_on, y_ty.end_reason) == (D(2024, 9, 14), "amended")
    assert y_ty.successor.decision == Decision.objects.get(number="88/QĐ-UBND", amends=decision)


def test_the_command_imports_the_decisions_own_annex_by_id(path, decision, y_ty):
    out = command(path, "--decision", str(decision.pk), "--effective", "01/08/2024")

    assert "Phụ lục của chính Quyết định 1599/QĐ-UBND" in out
    y_ty.refresh_from_db()
    assert (y_ty.ended_on, y_ty.end_reason) == (D(2024, 7, 31), "other")


@pytest.mark.parametrize(
    ("options", "says"),
    [
        (["--decision", "999999"], "Không có quyết định “999999”"),
        (["--decision", "99999999999999999999999"], "Không có quyết định"),
        (["--decision", "12/QĐ-KHÔNG-CÓ"], "Không có quyết định “12/QĐ-KHÔNG-CÓ”"),
        ([], "Nhập phụ lục cần --decision"),
        (["--effective", "31/02/2024"], "--effective: Không có ngày “31/02/2024”: tháng 2 năm"),
        (["--effective", "01/01/3000"], "nằm ngoài khoảng hợp lệ"),
        (["--amendment-number", "88/QĐ-UBND"], "cần đủ --amendment-number, --amendment-date"),
        (
            ["--amendment-number", "88/QĐ-UBND", "--amendment-date", "hôm qua",
             "--amendment-title", "Sửa đổi"],
            "--amendment-date: Ngày không hợp lệ: hãy ghi theo dạng dd/mm/yyyy",
        ),
        (
            ["--amendment-number", "1599/QĐ-UBND", "--amendment-date", "10/09/2024",
             "--amendment-title", "Sửa đổi"],
            "Đã có Quyết định 1599/QĐ-UBND",
        ),
    ],
)  # fmt: skip
def test_the_command_refuses_bad_options_in_vietnamese_and_writes_nothing(
    path, decision, options, says
):
    if not any(option == "--decision" for option in options):
        options = ["--decision", str(decision.pk), *options] if options else options
    before = written()

    with pytest.raises(CommandError, match=says):
        command(path, *options)

    assert written() == before
    assert not ImportBatch.objects.exists()
