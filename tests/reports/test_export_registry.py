"""The report registry: one view serves every registered report, and the reports page lists them."""

import datetime
import io
import random

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from assignments.models import Assignment, Decision, FieldVisit
from bench import exports as bench_exports
from communes.models import Commune
from loadtest.report_forms import reports_on
from reports import exporters, queries
from sampledata.laocai import new_period
from tests.support.clock import DEMO_DAY

pytestmark = pytest.mark.django_db

IDENTIFIERS = ["annex", "matrix", "visits", "periodic"]


def numbered(ws, first_row):
    return [r for r in ws.iter_rows(min_row=first_row, values_only=True) if type(r[0]) is int]


def annex_rows():
    """The pairs in force today of the default decision, the latest: the demo's of 2026–2030
    (read on the current map, the default)."""
    decision = Decision.objects.get(number=new_period.DECISION_NUMBER)
    return Assignment.objects.filter(decision=decision).active(on=DEMO_DAY)


# identifier → (sheet, its title cell and text, its first data row, how many numbered rows
# the demo data gives, the file's name before the date), for the office user.
FILES = {
    "annex": ("Phu luc", "A2", "PHỤ LỤC", 7, lambda: annex_rows().count(), "phan-cong-15"),
    "matrix": (
        "Tieu chi 2025",
        "A3",
        "KẾT QUẢ THỰC HIỆN BỘ TIÊU CHÍ XÃ NÔNG THÔN MỚI NĂM 2025",
        8,
        lambda: Commune.objects.in_programme().count() - 1,  # Tà Chải merged in 2024
        "tieu-chi-2025",
    ),
    "visits": (
        "Chuyến công tác",
        "A3",
        "NHẬT KÝ CHUYẾN CÔNG TÁC CƠ SỞ GIÚP ĐỠ CÁC XÃ XÂY DỰNG NÔNG THÔN MỚI",
        6,
        FieldVisit.objects.count,
        "chuyen-cong-tac",
    ),
    "periodic": (
        "Chi tiết theo xã",
        "A3",
        "BÁO CÁO KẾT QUẢ GIÚP ĐỠ CÁC XÃ XÂY DỰNG NÔNG THÔN MỚI",
        9,
        # Every pair in force during 2025 (those carrying others over from 01/07 too).
        lambda: (
            Assignment.objects.filter(started_on__lte=datetime.date(2025, 12, 31))
            .exclude(ended_on__lt=datetime.date(2025, 1, 1))
            .count()
        ),
        "bao-cao-2025",
    ),
}
PARAMS = {"periodic": {"period": "2025"}, "matrix": {"year": "2025"}}  # 2021–2025's 19 criteria
BAD = [
    ("annex", {"decision": "999999"}, "Không có quyết định “999999”."),
    ("matrix", {"year": "1990"}, "Không lập được bảng tiêu chí năm “1990”."),
    ("matrix", {"district": "abc"}, "Không có huyện “abc”."),
    ("periodic", {"period": "2025-Q5"}, "Kỳ báo cáo “2025-Q5” không hợp lệ"),
    ("periodic", {"period": "x" * 500}, "Kỳ báo cáo “" + "x" * 40 + "” không hợp lệ"),
]


@pytest.fixture
def roleless_client(db):
    """A signed-in account that belongs to no role (e.g. made in the admin and left so)."""
    client = Client()
    client.force_login(get_user_model().objects.create_user("khong_vai_tro"))
    return client


def test_the_registry_holds_each_report_once_with_unique_identifiers_and_urls():
    reports = exporters.registered()

    assert [e.identifier for e in reports] == IDENTIFIERS
    assert len({e.slug for e in reports}) == len(reports)
    assert [e.download_url() for e in reports] == [
        "/bao-cao/phan-cong.xlsx", "/bao-cao/tieu-chi.xlsx",
        "/bao-cao/chuyen-cong-tac.xlsx", "/bao-cao/dinh-ky.xlsx",
    ]  # fmt: skip
    assert all(str(e.title) and str(e.description) and e.roles for e in reports)
    assert sorted(FILES) == sorted(IDENTIFIERS)  # every report is read back below


def test_a_second_report_with_a_taken_identifier_is_refused():
    with pytest.raises(ImproperlyConfigured):

        @exporters.register
        class Again(exporters.Exporter):
            identifier = "annex"
            slug = "phu-luc-khac"

    assert [e.identifier for e in exporters.registered()] == IDENTIFIERS


@pytest.mark.parametrize("identifier", IDENTIFIERS)
def test_the_one_view_serves_each_report_as_its_workbook(office_client, identifier, today):
    sheet, cell, title, first_row, rows, stem = FILES[identifier]
    url = exporters.get(identifier).download_url()

    response = office_client.get(url, PARAMS.get(identifier, {}))

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{stem}-2026-11-18.xlsx"'
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content)))[sheet]
    assert ws[cell].value == title
    assert len(numbered(ws, first_row)) == rows() > 0


@pytest.mark.parametrize("identifier", IDENTIFIERS)
def test_each_report_has_a_page_with_its_form_offering_the_usual_values(reader_client, identifier):
    exporter = exporters.get(identifier)

    response = reader_client.get(exporter.page_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert f'<h1 id="report-{identifier}">{exporter.title}</h1>' in html
    assert f'<form method="get" action="{exporter.download_url()}"' in html
    assert 'role="alert"' not in html.split("<main", 1)[1]


@pytest.mark.parametrize(("identifier", "params", "message"), BAD)
def test_a_bad_value_gives_the_reports_page_with_a_vietnamese_sentence(
    office_client, identifier, params, message
):
    exporter = exporters.get(identifier)

    response = office_client.get(exporter.download_url(), params, follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[0][0].startswith(exporter.page_url() + "?")
    html = response.content.decode()
    assert f'<p class="error" role="alert">{message}' in html
    assert "Chưa tải được báo cáo" in html
    # The form keeps the other values and still downloads.
    assert f'action="{exporter.download_url()}"' in html


def test_a_very_long_bad_value_is_sent_back_cut_not_refused_as_an_unsafe_redirect(
    office_client,
):
    """A 2,727-character period once made the redirect longer than Django allows (400)."""
    exporter = exporters.get("periodic")
    params = {"period": "Ư" * 2727, "unknown": "x" * 20000}

    response = office_client.get(exporter.download_url(), params, follow=True)

    assert response.status_code == 200
    sent_back = response.redirect_chain[0][0]
    assert len(sent_back) < 2000 and "unknown" not in sent_back
    assert "Chưa tải được báo cáo" in response.content.decode()


@pytest.mark.parametrize("typed", ["31/02/2025", "abc"])
def test_the_visit_log_refuses_a_day_the_visits_list_would_ignore(office_client, typed):
    url = exporters.get("visits").download_url()

    response = office_client.get(url, {"date_from": typed, "date_to": "10/3/25"}, follow=True)
    listed = office_client.get(reverse("assignments:visit_list"), {"date_from": typed})

    # No file of the whole log: the form, saying why in the list's own words.
    assert response.redirect_chain and response["Content-Type"].startswith("text/html")
    [warning] = [str(m) for m in listed.context["messages"]]
    said = warning.removeprefix("Đã bỏ qua bộ lọc không hợp lệ – Từ ngày: ")
    assert said != warning and said in response.content.decode()
    if typed == "31/02/2025":
        assert said == "Không có ngày “31/02/2025”: tháng 2 năm 2025 có 28 ngày."
    # What was typed is kept in the form, and a day typed short was read.
    assert response.context["form"]["date_to"].value() == "10/3/25"
    assert response.context["form"].cleaned_data["date_to"] == datetime.date(2025, 3, 10)


@pytest.mark.parametrize("identifier", IDENTIFIERS)
def test_an_account_without_a_role_may_neither_open_nor_download_a_report(
    roleless_client, identifier
):
    exporter = exporters.get(identifier)

    assert roleless_client.get(exporter.page_url()).status_code == 403
    assert roleless_client.get(exporter.download_url()).status_code == 403


@pytest.mark.parametrize("path", ["/bao-cao/khong-co.xlsx", "/bao-cao/khong-co/"])
def test_a_report_that_is_not_registered_is_not_found(office_client, path):
    assert office_client.get(path).status_code == 404


def test_the_reports_page_lists_every_registered_report_with_its_form_and_who_may_use_it(
    member_a_client,
):
    response = member_a_client.get(reverse("reports:report_index"))

    html = response.content.decode()
    for exporter in exporters.registered():
        assert f'<a href="{exporter.page_url()}">{exporter.title}</a>' in html
        assert str(exporter.description) in html
        form = f'<form method="get" action="{exporter.download_url()}" class="filters" '
        assert form + f'data-report="{exporter.identifier}"' in html
    assert html.count(
        "Dành cho: Văn phòng điều phối NTM, Thành viên tổ giúp việc, Lãnh đạo được phân công, "
        "Người xem."
    ) == len(exporters.registered())


def test_the_reports_page_offers_no_form_to_an_account_without_a_role(roleless_client):
    response = roleless_client.get(reverse("reports:report_index"))

    html = response.content.decode()
    assert response.status_code == 200
    assert '<form method="get"' not in html
    assert html.count("Tài khoản của bạn không được tải báo cáo này.") == len(IDENTIFIERS)
    assert all(str(e.title) in html for e in exporters.registered())


# --- the benchmark and the load test read the same registry ---------------------------------


def test_the_benchmark_measures_every_registered_report_then_the_communes_list():
    names = [name for name, _label in bench_exports.cases()]

    # Each on the current map, then on the old one.
    assert names == [
        name + suffix for name in [*IDENTIFIERS, bench_exports.LIST] for suffix in ("", "@old")
    ]
    assert [bench_exports.url_of(name) for name in IDENTIFIERS] == [
        f"{e.download_url()}?map=current" for e in exporters.registered()
    ]
    assert [bench_exports.url_of(f"{name}@old") for name in IDENTIFIERS] == [
        f"{e.download_url()}?map=old" for e in exporters.registered()
    ]


def test_the_load_test_finds_every_registered_report_on_the_reports_page(office_client, today):
    html = office_client.get(reverse("reports:report_index")).content.decode()

    reports = reports_on(html)

    assert [(r.identifier, r.url) for r in reports] == [
        (e.identifier, e.download_url()) for e in exporters.registered()
    ]
    matrix = reports[IDENTIFIERS.index("matrix")]
    # The latest year with results, of any period (2026 on the 2026–2030 set in the demo).
    latest = str(queries.assessment_years()[-1])
    assert matrix.defaults == {"year": latest, "district": "", "map": "current"}
    # The old districts of both old provinces (old Lào Cai 9, old Yên Bái 9).
    assert len(matrix.choices["district"]) == 18 and "2021" in matrix.choices["year"]
    assert matrix.choices["map"] == ["current", "old"]
    periodic = reports[IDENTIFIERS.index("periodic")]
    assert periodic.defaults == {"period": "2026", "map": "current"}
    assert reports[IDENTIFIERS.index("visits")].choices["map"] == ["current", "old"]


@pytest.mark.parametrize("seed", range(3))
def test_what_the_load_test_sends_downloads_each_report(office_client, seed):
    random.seed(seed)
    html = office_client.get(reverse("reports:report_index")).content.decode()

    reports = reports_on(html)
    assert len(reports) == len(exporters.registered())
    for report in reports:
        response = office_client.get(report.url, report.params())

        assert response.status_code == 200, (report.identifier, report.params())
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
