"""Setting communes' groups for a period (communes.grouping.set_groups): the groups with their
history, the refusals, and the re-evaluation of the results recorded under the old group."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from communes import grouping
from communes.models import (
    Assessment,
    Commune,
    CommuneGroup,
    CommuneYear,
    IndicatorResult,
    Map,
    Period,
    YearClosing,
)
from tests.support.grouping import current_units, period_2026, record, small_2026_set

BASIS = "khu vực III theo Quyết định 2752/QĐ-UBND ngày 31/12/2025"


@pytest.fixture
def units(db):
    return current_units(3)


@pytest.fixture
def indicators(db):
    return small_2026_set()


def test_setting_groups_creates_them_with_basis_and_history(units, office_user):
    period = period_2026()

    report = grouping.set_groups(
        {units[0]: (3, BASIS), units[1].pk: (1, "giáp phường")}, period, office_user
    )

    assert (report.created, report.changed, report.unchanged) == (2, 0, 0)
    group = CommuneGroup.objects.get(commune=units[0], period=period)
    assert (group.number, group.basis) == (3, BASIS)
    assert group.history.get().history_user == office_user
    assert report.lines()[0] == ("Nhóm xã giai đoạn 2026–2030: 2 xếp mới, 0 thay đổi, 0 không đổi.")
    assert f"Xã {units[0].name}: xếp Nhóm 3 – căn cứ {BASIS}" in report.lines()


def test_changing_a_group_keeps_its_history_and_counts_unchanged_ones(units, office_user):
    period = period_2026()
    grouping.set_groups({units[0]: (3, BASIS), units[1]: (2, "")}, period)

    report = grouping.set_groups(
        {units[0]: (2, "khu vực II"), units[1]: (2, "")}, period, office_user
    )

    assert (report.created, report.changed, report.unchanged) == (0, 1, 1)
    group = CommuneGroup.objects.get(commune=units[0], period=period)
    assert [h.number for h in group.history.order_by("history_date", "history_id")] == [3, 2]
    assert f"Xã {units[0].name}: nhóm 3 → nhóm 2" in report.lines()


@pytest.mark.parametrize("number", [0, 4, "2", True, None])
def test_a_group_outside_one_to_three_is_refused_and_nothing_written(units, number):
    with pytest.raises(ValidationError) as refused:
        grouping.set_groups({units[0]: (2, ""), units[1]: (number, "")}, period_2026())

    assert f"Xã {units[1].name}: nhóm “{number}” không có; chỉ có nhóm 1, 2, 3." in (
        refused.value.messages
    )
    assert not CommuneGroup.objects.filter(commune__in=units).exists()


def test_a_period_without_groups_is_refused(units):
    old_period = Period.objects.get(code="2021-2025")

    with pytest.raises(ValidationError) as refused:
        grouping.set_groups({units[0]: (1, "")}, old_period)

    assert refused.value.messages == [
        "Giai đoạn 2021–2025 không chia nhóm xã; không xếp nhóm được."
    ]
    assert not CommuneGroup.objects.filter(commune=units[0]).exists()


def test_a_ceased_unit_is_refused_naming_its_successor(units):
    ban_vuoc = Commune.objects.in_programme(Map.OLD).get(name="Bản Vược")

    with pytest.raises(ValidationError) as refused:
        grouping.set_groups({ban_vuoc: (3, BASIS), units[0]: (3, BASIS)}, period_2026())

    assert refused.value.messages == [
        "Xã Bản Vược không còn từ 01/07/2025 (đã sáp nhập vào Xã Bát Xát). "
        "Hãy xếp nhóm cho Xã Bát Xát."
    ]
    assert not CommuneGroup.objects.filter(commune__in=[ban_vuoc, units[0]]).exists()


def test_a_unit_outside_the_programme_is_refused(db):
    ward = Commune.objects.on_map(Map.CURRENT).get(name="Sa Pa", kind=Commune.Kind.WARD)

    with pytest.raises(ValidationError) as refused:
        grouping.set_groups({ward: (1, "")}, period_2026())

    assert refused.value.messages == [
        "Phường Sa Pa không thuộc danh sách xã của chương trình giai đoạn 2026–2030."
    ]


def test_setting_a_group_evaluates_the_results_recorded_before_it(units, indicators):
    record(units[0], indicators.indicators, i2_1=80, i2_2=True, i3_1=55)

    report = grouping.set_groups({units[0]: (3, BASIS)}, period_2026())

    assert [str(change) for change in report.changes] == [
        "Tiêu chí 2 Hạ tầng kinh tế – xã hội: chưa đánh giá → đạt",
        "Tiêu chí 3 Phát triển kinh tế nông thôn: chưa đánh giá → đạt",
    ]
    assert set(
        Assessment.objects.filter(commune=units[0], year=2026).values_list(
            "criterion__number", "met"
        )
    ) == {(2, True), (3, True)}


def test_changing_a_group_re_evaluates_and_says_which_criteria_changed(units, indicators):
    period = period_2026()
    record(units[0], indicators.indicators, i2_1=80, i2_2=True, i3_1=55)
    record(units[1], indicators.indicators, i2_1=100, i2_2=True, i3_1=90)
    grouping.set_groups({units[0]: (3, BASIS), units[1]: (3, BASIS)}, period)

    report = grouping.set_groups(
        {units[0]: (2, "khu vực II"), units[1]: (1, "giáp phường")}, period
    )

    # units are in Vietnamese order, as the report lists them
    assert report.lines() == [
        "Nhóm xã giai đoạn 2026–2030: 0 xếp mới, 2 thay đổi, 0 không đổi.",
        f"Xã {units[0].name}: nhóm 3 → nhóm 2",
        "Năm 2026 – Tiêu chí 2 Hạ tầng kinh tế – xã hội: đạt → chưa đạt",
        "Năm 2026 – Tiêu chí 3 Phát triển kinh tế nông thôn: đạt → chưa đạt",
        f"Xã {units[1].name}: nhóm 3 → nhóm 1",
        "Năm 2026: đánh giá lại, không tiêu chí nào đổi kết quả",
    ]
    road = IndicatorResult.objects.get(commune=units[0], indicator=indicators.indicators["2.1"])
    assert road.met is False
    assert not Assessment.objects.filter(commune=units[0], year=2026, met=True).exists()


def test_a_basis_alone_changes_no_result(units, indicators):
    period = period_2026()
    record(units[0], indicators.indicators, i2_1=80, i2_2=True, i3_1=55)
    grouping.set_groups({units[0]: (3, BASIS)}, period)

    report = grouping.set_groups({units[0]: (3, "khu vực III (bản sửa)")}, period)

    assert report.lines() == [
        "Nhóm xã giai đoạn 2026–2030: 0 xếp mới, 1 thay đổi, 0 không đổi.",
        f"Xã {units[0].name}: giữ nhóm 3, sửa căn cứ",
    ]


def test_an_approved_year_is_not_re_evaluated_and_the_report_says_so(units, indicators):
    period = period_2026()
    record(units[0], indicators.indicators, i2_1=80, i2_2=True, i3_1=55)
    grouping.set_groups({units[0]: (3, BASIS)}, period)
    CommuneYear.objects.create(
        commune=units[0], year=2026, criteria_set=indicators.set, status=CommuneYear.Status.APPROVED
    )

    report = grouping.set_groups({units[0]: (1, "giáp phường")}, period)

    assert report.changes == []
    assert report.lines()[1:] == [
        f"Xã {units[0].name}: nhóm 3 → nhóm 1",
        "Năm 2026 đã duyệt: không đánh giá lại",
    ]
    assert CommuneGroup.objects.get(commune=units[0], period=period).number == 1
    assert IndicatorResult.objects.get(commune=units[0], indicator=indicators.indicators["2.1"]).met
    assert set(
        Assessment.objects.filter(commune=units[0], year=2026).values_list("met", flat=True)
    ) == {True}


def test_a_closed_year_is_not_re_evaluated(units, indicators, today):
    period = period_2026()
    record(units[0], indicators.indicators, i2_1=80, i2_2=True, i3_1=55)
    grouping.set_groups({units[0]: (3, BASIS)}, period)
    YearClosing.objects.create(year=2026, closes_on=datetime.date(2026, 11, 1))

    report = grouping.set_groups({units[0]: (1, "")}, period)

    assert report.changes == []
    assert report.lines()[-1] == "Năm 2026 đã khóa sổ từ ngày 01/11/2026: không đánh giá lại"


def test_the_list_reads_each_units_group_and_its_last_change(units, office_user):
    period = period_2026()
    grouping.set_groups({units[0]: (3, BASIS)}, period, office_user)

    rows = {
        c.pk: c
        for c in grouping.for_list(period, Commune.objects.filter(pk__in=[u.pk for u in units]))
    }

    assert (rows[units[0].pk].group_number, rows[units[0].pk].group_basis) == (3, BASIS)
    assert rows[units[0].pk].group_changed_by == (
        office_user.get_full_name() or office_user.username
    )
    assert rows[units[0].pk].group_changed_at is not None
    assert rows[units[1].pk].group_number is None
