"""An annex that replaces leaders ends each old assignment the day before its successor
starts, under the decision the office names (the decision's own annex, or an amending
decision), and gives each new leader their own agency's working group."""

import datetime
import io
from collections import Counter

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from assignments.models import Assignment, Decision, WorkingGroup
from communes.models import Commune
from reports.imports import service, terms
from reports.models import ImportBatch
from tests.factories import make_decision, make_group, make_leader

from .import_workbooks import annex_rows_for, upload, workbook_bytes

# Decision 1599's annexes, imported as before 01/07/2025 (conftest.before_the_reform).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("before_the_reform")]

D = datetime.date
ONE_DAY = datetime.timedelta(days=1)
EFFECTIVE = D(2024, 7, 1)  # before Tà Chải's merger (31/10/2024): 127 pairs in force
NEW_AGENCY = "Ban Quản lý các dự án thử nghiệm tỉnh"


def in_force(decision):
    return list(
        Assignment.objects.active()
        .filter(decision=decision)
        .select_related("leader__agency", "commune__district", "working_group")
        .order_by("commune__district__code", "commune__sort_name")
    )


class Replacing:
    """The whole annex of 1599 as in force, with three communes given new leaders:

    * `same`: a leader of the same agency (the group stays);
    * `back`: a leader of an agency whose group helped the commune before (it comes back);
    * `fresh`: a leader of an agency the file names for the first time (a new, empty group).
    """

    def __init__(self, decision):
        current = in_force(decision)
        names = Counter(a.commune.name for a in current)
        unique = [a for a in current if names[a.commune.name] == 1]  # not the two Thanh Bình
        self.same, self.back, self.fresh = unique[0], unique[40], unique[80]
        self.earlier = make_group(members=2)
        Assignment.objects.create(
            decision=make_decision(period_start=2016, period_end=2020),
            leader=make_leader(agency=self.earlier.agency),
            commune=self.back.commune,
            working_group=self.earlier,
            started_on=D(2016, 1, 1),
            ended_on=D(2020, 12, 31),
            end_reason="other",
        )
        self.new_names = {
            self.same.pk: ("Vàng Seo Cường", self.same.leader.agency.name),
            self.back.pk: ("Lò Thị Hoa", self.earlier.agency.name),
            self.fresh.pk: ("Hầu A Lềnh", NEW_AGENCY),
        }
        rows = annex_rows_for(current)
        for old in (self.same, self.back, self.fresh):
            row = next(row for row in rows if row[-1] == old.commune.name and row[0])
            name, agency = self.new_names[old.pk]
            row[1:4] = [name, "Phó Giám đốc", agency]
        self.data = workbook_bytes(rows)
        self.olds = (self.same, self.back, self.fresh)


@pytest.fixture
def replacing(decision):
    return Replacing(decision)


def one_in_force_each_day(decision, days):
    """{day: communes without exactly one assignment in force} over 1599's 127 communes."""
    family = Assignment.objects.filter(decision__in=[decision, *decision.amendments.all()])
    communes = set(
        Assignment.objects.filter(decision=decision).values_list("commune_id", flat=True)
    )
    assert len(communes) == 127
    wrong = {}
    for day in days:
        counts = dict.fromkeys(communes, 0)
        for commune_id in family.active(on=day).values_list("commune_id", flat=True):
            counts[commune_id] += 1
        wrong[day] = sorted(c for c, n in counts.items() if n != 1)
    return wrong


def exported_rows(client, monkeypatch, day, decision):
    """The annex export's numbered rows, as downloaded on `day`."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)
    response = client.get(reverse("reports:export_annex"), {"decision": decision.pk})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["Phu luc"]
    return [
        row
        for row in sheet.iter_rows(min_row=7, max_col=5, values_only=True)
        if type(row[0]) is int
    ]


AMENDING = {"number": "77/2024/QĐ-UBND", "issued_on": D(2024, 6, 20), "title": "Sửa đổi Phụ lục"}


@pytest.mark.parametrize("amending", [False, True], ids=["own annex", "amending decision"])
def test_three_replaced_leaders_leave_one_pair_in_force_on_every_day(
    amending, decision, replacing, office_user, office_client, monkeypatch
):
    agreed = terms.resolve(
        decision, effective_on=EFFECTIVE, amendment=AMENDING if amending else None
    )
    batch, plan = service.preview(
        "annex", upload(replacing.data), decision, office_user, annex_terms=agreed
    )
    assert (plan.updated, plan.created, plan.errors) == (3, 0, 0)
    assert {row.starts for row in plan.rows if row.action == "update"} == {EFFECTIVE}

    service.apply(batch, office_user)

    days = [EFFECTIVE - ONE_DAY, EFFECTIVE, EFFECTIVE + ONE_DAY]
    assert one_in_force_each_day(decision, days) == {day: [] for day in days}
    communes = Counter(
        Commune.objects.filter(assignments__decision=decision)
        .distinct()
        .values_list("name", flat=True)
    )
    for day in days:
        rows = exported_rows(office_client, monkeypatch, day, decision)
        assert len(rows) == 127
        assert Counter(row[4] for row in rows) == communes  # each commune once
        names = {row[4]: row[1] for row in rows}
        for old in replacing.olds:
            expected = old.leader.full_name if day < EFFECTIVE else replacing.new_names[old.pk][0]
            assert names[old.commune.name] == expected
    amendment = Decision.objects.filter(amends=decision).first()
    for old in replacing.olds:
        old.refresh_from_db()
        new = old.successor
        assert (old.ended_on, new.started_on, new.ended_on) == (
            EFFECTIVE - ONE_DAY,
            EFFECTIVE,
            None,
        )
        assert new.leader.full_name == replacing.new_names[old.pk][0]
        assert new.working_group.agency == new.leader.agency
        # One history entry on the old assignment for the whole change.
        records = old.history.filter(history_change_reason__contains=f"#{batch.pk}")
        assert [(r.ended_on, r.successor_id) for r in records] == [(old.ended_on, new.pk)]
        if amending:
            assert (old.end_reason, new.decision) == ("amended", amendment)
            assert old.end_note == "Thay thế theo Quyết định 77/2024/QĐ-UBND ngày 20/06/2024"
        else:
            assert (old.end_reason, new.decision) == ("other", decision)
            assert "không có quyết định sửa đổi" in old.end_note
            assert "Quyết định 1599/QĐ-UBND" in old.end_note
    if amending:
        assert (amendment.number, amendment.issued_on, amendment.title) == (
            "77/2024/QĐ-UBND",
            D(2024, 6, 20),
            "Sửa đổi Phụ lục",
        )
        assert (amendment.issuer, amendment.period_start) == (decision.issuer, 2021)
    else:
        assert amendment is None


def test_each_new_leader_has_their_own_agencys_group(decision, replacing, office_user):
    groups = WorkingGroup.objects.count()
    agreed = terms.resolve(decision, effective_on=EFFECTIVE)
    batch, _plan = service.preview(
        "annex", upload(replacing.data), decision, office_user, annex_terms=agreed
    )

    service.apply(batch, office_user)

    same, back, fresh = (Assignment.objects.get(predecessor=old) for old in replacing.olds)
    assert same.working_group == replacing.same.working_group
    assert back.working_group == replacing.earlier
    assert back.working_group.members.count() == 2
    group = fresh.working_group
    assert (group.agency.name, group.established_on) == (NEW_AGENCY, EFFECTIVE)
    assert group.name == f"Tổ giúp việc {NEW_AGENCY} – xã {fresh.commune.name}"
    assert not group.members.exists()
    assert WorkingGroup.objects.count() == groups + 1
    # The old assignments keep theirs.
    assert Assignment.objects.get(pk=replacing.fresh.pk).working_group == (
        replacing.fresh.working_group
    )


def test_without_terms_a_pair_replaced_today_never_overlaps_the_old_one(
    decision, replacing, office_user, office_client, monkeypatch, before_the_reform
):
    """The old default (the decision's own annex, from today) no longer leaves both in force
    on the import day: today's export lists each commune once."""
    today = before_the_reform
    batch, _plan = service.preview("annex", upload(replacing.data), decision, office_user)
    service.apply(batch, office_user)

    days = [today - ONE_DAY, today, today + ONE_DAY]
    wrong = one_in_force_each_day(decision, days)
    # Tà Chải merged on 31/10/2024: no pair in force since; every other commune has one.
    ta_chai = Assignment.objects.get(decision=decision, end_reason="merged").commune_id
    assert wrong == {day: [ta_chai] for day in days}
    rows = exported_rows(office_client, monkeypatch, today, decision)
    communes = Counter(
        Commune.objects.filter(assignments__decision=decision)
        .exclude(pk=ta_chai)
        .distinct()
        .values_list("name", flat=True)
    )
    assert len(rows) == 126
    assert Counter(row[4] for row in rows) == communes  # each commune once


def test_the_amending_decisions_issue_date_is_the_default_effective_day(decision, replacing):
    agreed = terms.resolve(decision, amendment=AMENDING)
    assert agreed.effective_on == D(2024, 6, 20)
    assert terms.resolve(decision, today=D(2025, 1, 2)).effective_on == D(2025, 1, 2)


def test_a_day_not_after_the_current_pairs_start_is_a_row_error_and_nothing_is_written(
    decision, replacing, office_user
):
    before = (Assignment.objects.count(), Assignment.history.count(), Decision.objects.count())
    agreed = terms.resolve(decision, effective_on=D(2021, 1, 1), amendment=AMENDING)

    batch, plan = service.preview(
        "annex", upload(replacing.data), decision, office_user, annex_terms=agreed
    )

    assert plan.errors == 3
    error = next(row for row in plan.rows if row.action == "error").errors[0]
    assert "bắt đầu từ 01/01/2021" in error and "Hãy chọn ngày hiệu lực muộn hơn" in error
    with pytest.raises(service.ImportRefused, match="Chưa ghi gì"):
        service.apply(batch, office_user)
    after = (Assignment.objects.count(), Assignment.history.count(), Decision.objects.count())
    assert after == before


def test_a_second_annex_planned_before_the_first_was_applied_is_refused(
    decision, replacing, office_user
):
    """Two batches previewed against the same pairs, confirmed one after the other: the
    second is planned again against what the first wrote, and the pairs the first started
    on the effective day cannot be replaced from that same day."""
    agreed = terms.resolve(decision, effective_on=EFFECTIVE)
    first, _plan = service.preview(
        "annex", upload(replacing.data), decision, office_user, annex_terms=agreed
    )
    rows = annex_rows_for(in_force(decision))
    row = next(row for row in rows if row[-1] == replacing.fresh.commune.name and row[0])
    row[1:3] = ["Thào Mí Sính", "Phó Giám đốc"]
    second, plan = service.preview(
        "annex", upload(workbook_bytes(rows)), decision, office_user, annex_terms=agreed
    )
    assert (plan.updated, plan.errors) == (1, 0)

    service.apply(first, office_user)
    count = Assignment.objects.count()
    with pytest.raises(service.ImportRefused, match="Chưa ghi gì"):
        service.apply(second, office_user)

    assert Assignment.objects.count() == count
    second.refresh_from_db()
    assert second.status == ImportBatch.Status.PREVIEWED
    assert one_in_force_each_day(decision, [EFFECTIVE]) == {EFFECTIVE: []}
