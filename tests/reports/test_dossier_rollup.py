"""The dossier across the 2025 reform (issue 14): a current unit shows its old units'
records, labelled, and counts them in its totals; an old unit names the unit they count for.
"""

import html
import re

import pytest
from django.db.models import Sum
from django.urls import reverse

from assignments.models import Assignment, FieldVisit, Support
from communes.models import (
    Assessment,
    Commune,
    Era,
    Recognition,
)

pytestmark = pytest.mark.django_db

BAN_PHO = "Xã Bản Phố (Huyện Bắc Hà, trước 01/07/2025)"
TA_CHAI = "Xã Tà Chải (Huyện Bắc Hà, trước 01/11/2024)"


def text(content):
    """What a reader sees: links and emphasis read as the words around them."""
    content = re.sub(r"</?(a|strong|span)\b[^>]*>", "", content)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", content))).strip()


def dossier(client, unit):
    response = client.get(reverse("reports:commune_detail", args=[unit.pk]))
    assert response.status_code == 200
    return response


def bac_ha():
    return Commune.objects.get(name="Bắc Hà", era=Era.FROM_2025)


def old(name, kind=Commune.Kind.RURAL):
    return Commune.objects.get(name=name, era=Era.PRE_2025, kind=kind)


def old_units(unit):
    return list(Commune.objects.rolled_up_to(unit).exclude(pk=unit.pk))


def test_current_unit_lists_its_old_units_visits_each_labelled(office_client, today):
    unit = bac_ha()
    ban_pho = FieldVisit.objects.filter(assignment__commune=old("Bản Phố"))
    ta_chai = FieldVisit.objects.filter(assignment__commune=old("Tà Chải"))
    assert ban_pho.exists() and ta_chai.exists()

    response = dossier(office_client, unit)

    content = response.content.decode()
    for visits, label in ((ban_pho, BAN_PHO), (ta_chai, TA_CHAI)):
        for visit in visits:
            link = reverse("assignments:visit_detail", args=[visit.pk])
            entry = content[content.index(f'href="{link}"') :].split('<li class="visit">')[0]
            assert label in text(entry)
    rolled_up = FieldVisit.objects.filter(assignment__commune__current_unit=unit)
    assert content.count('<li class="visit">') == rolled_up.count()


def test_current_unit_totals_are_the_sums_of_its_old_units_own_dossiers(office_client, today):
    unit = bac_ha()
    parts = [dossier(office_client, u).context["dossier"] for u in old_units(unit)]
    # Its own records (none in the demo data until visits are made for the new unit).
    own_visits = FieldVisit.objects.filter(assignment__commune=unit, status="confirmed")
    own_support = Support.objects.filter(visit__in=own_visits)

    response = dossier(office_client, unit)

    rolled_up = response.context["dossier"]
    visits = own_visits.count() + sum(len(part.counted_visits) for part in parts)
    support = (own_support.aggregate(total=Sum("amount_vnd"))["total"] or 0) + sum(
        part.support_total_vnd for part in parts
    )
    recognitions = unit.recognitions.count() + sum(len(part.recognitions) for part in parts)
    assert visits > own_visits.count() and support > 0 and recognitions > 0
    assert len(rolled_up.counted_visits) == visits
    assert rolled_up.support_total_vnd == support
    assert len(rolled_up.recognitions) == recognitions
    by_kind = dict(own_support.values_list("kind").annotate(total=Sum("amount_vnd")).order_by())
    for total in (t for part in parts for t in part.support_by_kind):
        by_kind[total.kind] = by_kind.get(total.kind, 0) + total.amount_vnd
    assert {t.kind: t.amount_vnd for t in rolled_up.support_by_kind} == by_kind
    content = response.content.decode()
    assert re.search(r'href="#chuyen-cong-tac">([^<]*)</a>', content).group(1) == str(visits)
    assert "Tổng cộng " + f"{support:,} đ".replace(",", ".") in text(content)


def test_current_unit_says_what_its_totals_count(office_client):
    unit = bac_ha()
    olds = old_units(unit)

    shown = text(dossier(office_client, unit).content.decode())

    assert f"gồm hồ sơ của {len(olds)} đơn vị cũ đã sáp nhập vào xã này" in shown
    for predecessor in olds:
        assert f"{predecessor.get_kind_display()} {predecessor.name}" in shown


def test_current_unit_has_one_labelled_grid_per_old_unit(office_client):
    unit = bac_ha()
    results = Assessment.objects.programme()
    assessed = [u for u in old_units(unit) if results.filter(commune=u).exists()]
    assert len(assessed) > 1

    response = dossier(office_client, unit)

    grids = response.context["dossier"].predecessor_grids
    assert [grid.unit for grid in grids] == assessed
    content = response.content.decode()
    captions = re.findall(r"<caption id=\"criteria-grid-\d+\">(.*?)</caption>", content, re.S)
    own = results.filter(commune=unit).exists()
    assert len(captions) == own + len(assessed)
    for grid, caption in zip(grids, captions[own:], strict=True):
        assert grid.label in html.unescape(caption)
        # Each column is one unit's: its met counts are those of its own dossier.
        alone = dossier(office_client, grid.unit).context["dossier"].grid
        assert (grid.years, grid.met_counts) == (alone.years, alone.met_counts)
    assert BAN_PHO in text(content)


def test_current_unit_names_the_old_unit_of_each_assignment_and_recognition(office_client):
    unit = bac_ha()
    recognition = Recognition.objects.filter(commune__current_unit=unit).exclude(commune=unit)
    recognition = recognition.select_related("commune").first()
    assignment = Assignment.objects.get(commune=old("Tà Chải"))

    response = dossier(office_client, unit)

    table = re.search(r'<table class="recognitions">(.*?)</table>', response.content.decode(), re.S)
    row = [r for r in table.group(1).split("<tr>") if recognition.decision_number in r][0]
    assert f"Xã {recognition.commune.name} (Huyện Bắc Hà, trước 01/07/2025)" in text(row)
    previous = re.search(
        r'<table class="previous-assignments">(.*?)</table>', response.content.decode(), re.S
    )
    row = [r for r in previous.group(1).split("<tr>") if assignment.leader.full_name in r][0]
    assert TA_CHAI in text(row)


def test_old_unit_names_its_successor_and_keeps_its_own_records(office_client):
    unit = old("Bản Phố")
    own = FieldVisit.objects.filter(assignment__commune=unit)

    response = dossier(office_client, unit)

    content = response.content.decode()
    assert (
        "Đơn vị này đã sáp nhập vào Xã Bắc Hà từ 01/07/2025 theo Nghị quyết "
        "1673/NQ-UBTVQH15 ngày 16/06/2025; hồ sơ của đơn vị được tính vào Xã Bắc Hà."
    ) in text(content)
    banner = re.search(r'<p class="succession"[^>]*>(.*?)</p>', content, re.S).group(1)
    assert reverse("reports:commune_detail", args=[bac_ha().pk]) in banner
    assert content.count('<li class="visit">') == own.count() > 0
    assert "đơn vị cũ đã sáp nhập" not in text(content)


def test_a_unit_merged_twice_names_both_its_successor_and_the_unit_of_today(office_client):
    township = old("Bắc Hà", kind=Commune.Kind.TOWNSHIP)

    response = dossier(office_client, old("Tà Chải"))

    banner = re.search(r'<p class="succession"[^>]*>(.*?)</p>', response.content.decode(), re.S)
    assert text(banner.group(1)) == (
        "Đơn vị này đã sáp nhập vào Thị trấn Bắc Hà từ 01/11/2024 theo Nghị quyết "
        "1197/NQ-UBTVQH15; hồ sơ của đơn vị được tính vào Xã Bắc Hà, đơn vị hiện nay."
    )
    for target in (township, bac_ha()):
        assert reverse("reports:commune_detail", args=[target.pk]) in banner.group(1)


def test_reading_a_dossier_rewrites_no_record(office_client):
    unit = bac_ha()
    before = sorted(Assignment.objects.values_list("pk", "commune_id"))
    visits = sorted(FieldVisit.objects.values_list("pk", "assignment_id", "updated_at"))

    dossier(office_client, unit)

    assert sorted(Assignment.objects.values_list("pk", "commune_id")) == before
    assert sorted(FieldVisit.objects.values_list("pk", "assignment_id", "updated_at")) == visits


def test_an_ended_assignments_note_is_folded_under_its_reason(office_client):
    """A carry-over's end note is long (old unit → new unit, legal basis, who goes on):
    the table shows the reason and keeps the whole note one click away."""
    ended = Assignment.objects.filter(
        commune__current_unit=bac_ha(), end_reason=Assignment.EndReason.REORGANISED
    ).first()
    page = dossier(office_client, bac_ha()).content.decode()

    folded = re.findall(
        r'<details class="end-note"><summary>([^<]+)</summary><small>([^<]+)</small>', page
    )
    # The old xã's pairs ended by the carry-over; the carried one on Bắc Hà by the 2026
    # decision that re-confirmed it ("Lý do khác", its note naming that decision).
    reasons = {reason for reason, _note in folded}
    assert {"Đơn vị hành chính sắp xếp lại", "Lý do khác"} <= reasons
    assert html.escape(ended.end_note) in page
