"""The preview's picks and the admin's list of aliases, as the office uses them."""

import re

import pytest
from django.urls import reverse

from assignments.models import Assignment, Decision, Leader
from communes.models import Commune
from reports.models import CommuneAlias, ImportBatch

from .import_workbooks import annex_rows_for, upload, workbook_bytes

# Decision 1599's annexes, imported as before 01/07/2025 (conftest.before_the_reform).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("before_the_reform")]

NAMES = ("Sàng Ma Sáo", "Y Tý", "Dền Sáng", "Dền Thàng")  # rows 6 to 9, under Bát Xát
MISSPELT = {"Sàng Ma Sáo": "Xàng Ma Sáo", "Dền Sáng": "Rền Sáng"}


def pk(name):
    return Commune.objects.in_programme().get(name=name).pk


def annex_data():
    pairs = [
        Assignment.objects.active()
        .select_related("leader__agency", "commune")
        .get(commune__name=name, commune__district__name="Huyện Bát Xát")
        for name in NAMES
    ]
    typed = {a.commune_id: MISSPELT[a.commune.name] for a in pairs if a.commune.name in MISSPELT}
    return workbook_bytes(annex_rows_for(pairs, typed))


@pytest.fixture
def previewed(office_client):
    decision = Decision.objects.get(number="1599/QĐ-UBND")
    office_client.post(
        reverse("reports:import_annex"), {"decision": decision.pk, "file": upload(annex_data())}
    )
    batch = ImportBatch.objects.get()
    return batch, reverse("reports:import_preview", args=[batch.pk])


def domain():
    return (Assignment.objects.count(), Assignment.history.count(), Leader.objects.count())


def select_of(page, row):
    return re.search(rf'<select name="xa-{row}".*?</select>', page, re.S).group(0)


def test_the_preview_offers_a_select_per_misspelt_row_closest_first(previewed, office_client):
    _batch, url = previewed
    page = office_client.get(url).content.decode()
    assert "Tên xã ở các dòng 6, 8 không khớp đúng một xã" in page
    assert "Tệp ghi “Rền Sáng”" in page
    select = select_of(page, 8)
    assert '<label for="xa-8" class="pick-label">Chọn xã cho dòng 8</label>' in page
    closest = re.search(r'<optgroup label="Gần giống nhất">(.*?)</optgroup>', select).group(1)
    assert re.findall(r">([^<]+)</option>", closest)[:2] == ["Dền Sáng", "Dền Thàng"]
    others = re.search(r'<optgroup label="Các xã khác của Huyện Bát Xát">(.*?)</optgroup>', select)
    assert "Y Tý" in others.group(1) and "Trung Chải" not in select
    assert "selected" not in select  # never chosen for the office
    assert select_of(page, 6).count("<option") == 1 + 20  # the blank, Bát Xát's 20 communes
    confirm = page.split('value="confirm"')[1].split(">")[0]
    assert "disabled" not in confirm


def test_confirm_with_a_row_unpicked_is_refused_and_keeps_the_pick_made(previewed, office_client):
    batch, url = previewed
    before = domain()
    response = office_client.post(url, {"action": "confirm", "xa-6": pk("Sàng Ma Sáo")})
    page = response.content.decode()
    assert "Chưa ghi gì: dòng 8 chưa chọn xã." in page
    assert f'<option value="{pk("Sàng Ma Sáo")}" selected>' in select_of(page, 6)
    assert domain() == before and not CommuneAlias.objects.exists()
    batch.refresh_from_db()
    assert batch.status == "previewed"


def test_check_then_confirm_writes_and_remembers_the_picks(previewed, office_client, office_user):
    batch, url = previewed
    picks = {"xa-6": pk("Sàng Ma Sáo"), "xa-8": pk("Dền Sáng")}
    page = office_client.post(url, {"action": "check", **picks}).content.decode()
    assert "xã đã chọn: “Rền Sáng” là xã Dền Sáng (ghi nhớ cho các lần nhập sau)" in page
    assert 'class="panel import-errors"' not in page
    assert not CommuneAlias.objects.exists()

    response = office_client.post(url, {"action": "confirm", **picks}, follow=True)
    assert "Đã nhập: 0 thêm mới, 0 cập nhật, 4 không đổi." in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == "applied"
    assert {
        (a.spelling, a.commune.name, a.created_by, a.batch) for a in CommuneAlias.objects.all()
    } == {
        ("Xàng Ma Sáo", "Sàng Ma Sáo", office_user, batch),
        ("Rền Sáng", "Dền Sáng", office_user, batch),
    }


@pytest.mark.parametrize(
    "posted, message",
    [
        ({"xa-8": "abc"}, "Lựa chọn xã không hợp lệ; hãy tải lại trang xem trước."),
        ({"xa-8": "TRUNG"}, "xã đã chọn (Trung Chải (Thị xã Sa Pa)) không thuộc Huyện Bát Xát"),
        ({"xa-8": "WARD"}, "xã đã chọn không có trong danh sách xã của chương trình."),
        ({"xa-99": "DEN"}, "Không có dòng phân công số 99 trong tệp."),
    ],
)
def test_a_pick_the_row_cannot_take_is_refused_and_writes_nothing(
    previewed, office_client, posted, message
):
    _batch, url = previewed
    values = {
        "TRUNG": pk("Trung Chải"),
        "DEN": pk("Dền Sáng"),
        "WARD": Commune.objects.filter(kind=Commune.Kind.WARD).first().pk,
    }
    data = {"xa-6": pk("Sàng Ma Sáo"), "xa-8": pk("Dền Sáng")}
    data.update({name: values.get(value, value) for name, value in posted.items()})
    before = domain()
    for action in ("check", "confirm"):
        response = office_client.post(url, {"action": action, **data}, follow=True)
        assert message in response.content.decode()
        assert domain() == before and not CommuneAlias.objects.exists()
    assert ImportBatch.objects.get().status == "previewed"


def test_the_office_lists_and_removes_an_alias_in_the_admin(previewed, office_client):
    batch, url = previewed
    picks = {"xa-6": pk("Sàng Ma Sáo"), "xa-8": pk("Dền Sáng")}
    office_client.post(url, {"action": "confirm", **picks})
    page = office_client.get(reverse("admin:reports_communealias_changelist")).content.decode()
    assert "2 tên gọi khác của xã" in page
    assert "Rền Sáng" in page and "Xã Dền Sáng (Huyện Bát Xát)" in page
    assert f'<a href="{url}">#{batch.pk}</a>' in page
    assert office_client.get(reverse("admin:reports_communealias_add")).status_code == 403

    alias = CommuneAlias.objects.get(spelling="Rền Sáng")
    delete = reverse("admin:reports_communealias_delete", args=[alias.pk])
    assert office_client.get(delete).status_code == 200
    office_client.post(delete, {"post": "yes"})
    assert list(CommuneAlias.objects.values_list("spelling", flat=True)) == ["Xàng Ma Sáo"]

    # The next file with the same spellings: one row matched by alias, one to pick again.
    decision = Decision.objects.get(number="1599/QĐ-UBND")
    office_client.post(
        reverse("reports:import_annex"), {"decision": decision.pk, "file": upload(annex_data())}
    )
    again = ImportBatch.objects.exclude(pk=batch.pk).get()
    page = office_client.get(reverse("reports:import_preview", args=[again.pk])).content.decode()
    assert "khớp theo tên gọi khác đã chọn trước: “Xàng Ma Sáo” là xã Sàng Ma Sáo" in page
    assert 'name="xa-8"' in page and 'name="xa-6"' not in page


def test_only_the_office_may_post_picks(previewed, member_a_client):
    _batch, url = previewed
    response = member_a_client.post(url, {"action": "confirm", "xa-8": pk("Dền Sáng")})
    assert response.status_code == 403
    assert not CommuneAlias.objects.exists()
