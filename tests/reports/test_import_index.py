"""The import list puts first what needs the office: previews waiting for confirmation,
then files refused lately, then the rest (applied, cancelled, expired), each group saying
what it is."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reports.models import ImportBatch

pytestmark = pytest.mark.django_db

S = ImportBatch.Status


def make_batch(decision, name, status, hours_ago, user=None):
    batch = ImportBatch.objects.create(
        kind=ImportBatch.Kind.ANNEX,
        decision=decision,
        file_name=name,
        sha256="0" * 64,
        status=status,
        uploaded_by=user,
        applied_at=timezone.now() if status == S.APPLIED else None,
    )
    moment = timezone.now() - datetime.timedelta(hours=hours_ago)
    ImportBatch.objects.filter(pk=batch.pk).update(uploaded_at=moment)
    return batch


def sections(html):
    """{group id: the file names it lists, in page order}."""
    found = {}
    for match in re.finditer(
        r'<section class="import-group" aria-labelledby="import-(\w+)">', html
    ):
        end = html.find("</section>", match.end())
        found[match.group(1)] = re.findall(r"<td>([\w-]+\.xlsx)</td>", html[match.end() : end])
    return found


def test_waiting_previews_come_first_then_recent_refusals_then_the_rest(
    decision, office_client, office_user
):
    make_batch(decision, "da-nhap.xlsx", S.APPLIED, 30, office_user)
    make_batch(decision, "cho-cu.xlsx", S.PREVIEWED, 5)
    make_batch(decision, "tu-choi-moi.xlsx", S.FAILED, 2)
    make_batch(decision, "qua-han.xlsx", S.PREVIEWED, 25)  # past its day, not yet marked
    make_batch(decision, "tu-choi-cu.xlsx", S.FAILED, 24 * 8)
    make_batch(decision, "da-huy.xlsx", S.CANCELLED, 1)
    make_batch(decision, "cho-moi.xlsx", S.PREVIEWED, 1)
    make_batch(decision, "het-han.xlsx", S.EXPIRED, 48)

    html = office_client.get(reverse("reports:import_index")).content.decode()

    assert sections(html) == {
        "waiting": ["cho-moi.xlsx", "cho-cu.xlsx"],
        "failed": ["tu-choi-moi.xlsx"],
        "done": ["da-huy.xlsx", "qua-han.xlsx", "da-nhap.xlsx", "het-han.xlsx", "tu-choi-cu.xlsx"],
    }
    assert "Chờ xác nhận <small>(2)</small>" in html
    assert "Đã xem trước, chưa ghi gì: mở để xác nhận hoặc huỷ." in html
    assert "Tệp bị từ chối trong 7 ngày qua <small>(1)</small>" in html
    assert "Đã xong <small>(5)</small>" in html
    assert "Đã nhập, đã huỷ hoặc hết hạn, mới nhất trước." in html
    done = html[html.index('id="import-done"') :]
    # The preview past its day reads "Hết hạn" even before anything marked it.
    row = done[done.index("qua-han.xlsx") :]
    assert row.index('<span class="badge">Hết hạn</span>') < row.index("</tr>")


def test_a_waiting_preview_says_when_it_expires(decision, office_client, today):
    make_batch(decision, "cho.xlsx", S.PREVIEWED, 3)  # uploaded at 06:00
    html = office_client.get(reverse("reports:import_index")).content.decode()
    assert '<th scope="col">Hết hạn lúc</th>' in html
    assert "<td>06:00 19/11/2026</td>" in html


def test_nothing_waiting_is_said_and_empty_groups_are_left_out(decision, office_client):
    make_batch(decision, "da-nhap.xlsx", S.APPLIED, 30)
    html = office_client.get(reverse("reports:import_index")).content.decode()
    assert "Không có lần nhập nào chờ xác nhận." in html
    assert set(sections(html)) == {"waiting", "done"}


def test_no_import_at_all_shows_the_empty_state(office_client):
    html = office_client.get(reverse("reports:import_index")).content.decode()
    assert "Chưa có lần nhập nào. Hãy tải lên một tệp ở trên." in html
    assert "import-group" not in html


def queries_for(client):
    with CaptureQueriesContext(connection) as context:
        assert client.get(reverse("reports:import_index")).status_code == 200
    return len(context.captured_queries)


def test_the_page_costs_the_same_queries_for_many_batches(
    decision, office_client, office_user, django_assert_num_queries
):
    statuses = [S.PREVIEWED, S.FAILED, S.APPLIED, S.CANCELLED, S.EXPIRED]
    for index, status in enumerate(statuses):
        make_batch(decision, f"a{index}.xlsx", status, index, office_user)
    few = queries_for(office_client)
    for index in range(40):
        make_batch(decision, f"b{index}.xlsx", statuses[index % 5], index % 30, office_user)
    assert queries_for(office_client) == few
    # session, user, their role; the three groups; the programme's years; the demo banner
    with django_assert_num_queries(8):
        office_client.get(reverse("reports:import_index"))
