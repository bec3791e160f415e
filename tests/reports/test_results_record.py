"""communes.results.record(): a commune's results for a year, by indicator and by
criterion, in one transaction or refused with a reason and nothing written."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from communes import results
from communes.models import (
    Assessment,
    Commune,
    CommuneYear,
    CriteriaScore,
    CriteriaSet,
    Criterion,
    Era,
    IndicatorResult,
    YearClosing,
)
from communes.results import field_name, parse_value, record
from tests.support.results_sheet import (
    commune_on,
    criterion_without_indicators,
    national_2026,
    small_set,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():
    return small_set()


def written(commune):
    return (
        IndicatorResult.objects.filter(commune=commune).count(),
        Assessment.objects.filter(commune=commune).count(),
    )


def refusal(call):
    with pytest.raises(ValidationError) as raised:
        call()
    return raised.value


def test_a_value_is_judged_against_the_communes_group(s, office_user):
    third, first = commune_on(s.criteria_set, group=3), commune_on(s.criteria_set, group=1)
    entries = {s.value.pk: (None, "85", ""), s.yes_no.pk: (True, None, "")}

    done = record(third, 2026, indicators=entries, user=office_user)
    record(first, 2026, indicators=entries, user=office_user)

    # Group 3 needs ≥ 80 %, group 1 ≥ 100 %: the same 85 % is met by one, not the other.
    assert IndicatorResult.objects.get(commune=third, indicator=s.value).met is True
    assert IndicatorResult.objects.get(commune=first, indicator=s.value).met is False
    assert Assessment.objects.get(commune=third, criterion=s.measured).met is True
    assert Assessment.objects.get(commune=first, criterion=s.measured).met is False
    derived = Assessment.objects.get(commune=third, criterion=s.measured)
    assert derived.history.latest().history_user == office_user
    assert (
        IndicatorResult.objects.get(commune=third, indicator=s.value).history.latest().history_user
        == office_user
    )
    assert sorted(done.indicators) == ["1.1", "1.2"]
    assert [(c.criterion_number, c.was_met, c.met) for c in done.changes] == [(1, None, True)]
    score = CriteriaScore.objects.get(commune=third, year=2026)
    assert (score.criteria_set, score.assessed, score.met) == (s.criteria_set, 1, 1)


def test_a_criterion_is_not_met_while_one_of_its_indicators_has_no_result(s, office_user):
    commune = commune_on(s.criteria_set)

    record(commune, 2026, indicators={s.value.pk: (None, "95,5", "")}, user=office_user)

    result = IndicatorResult.objects.get(commune=commune, indicator=s.value)
    assert (result.value, result.met) == (Decimal("95.5"), True)
    assert Assessment.objects.get(commune=commune, criterion=s.measured).met is False


def test_vietnamese_numbers_are_read_as_written():
    assert parse_value("80,5") == Decimal("80.5")
    assert parse_value("1.000,25") == Decimal("1000.25")
    assert parse_value(" 80 % ") == Decimal("80")
    assert parse_value("80.5") == Decimal("80.5")
    assert parse_value("−2,5") == Decimal("-2.5")
    assert parse_value("") is None


def test_a_value_that_is_not_a_number_is_refused_on_its_field_and_nothing_written(s, office_user):
    commune = commune_on(s.criteria_set)

    error = refusal(
        lambda: record(
            commune,
            2026,
            indicators={s.value.pk: (None, "tám mươi", ""), s.yes_no.pk: (True, None, "")},
            criteria={s.plain.pk: (True, "")},
            user=office_user,
        )
    )

    assert error.message_dict[field_name("i", s.value.pk, "value")] == [
        "«tám mươi» không phải là số: hãy ghi ví dụ 80 hoặc 80,5."
    ]
    assert written(commune) == (0, 0)


def test_a_criterion_with_indicators_takes_no_result_of_its_own(s, office_user):
    commune = commune_on(s.criteria_set)

    error = refusal(
        lambda: record(commune, 2026, criteria={s.measured.pk: (True, "")}, user=office_user)
    )

    assert (
        "Tiêu chí 1 có chỉ tiêu: kết quả của tiêu chí tính từ kết quả các chỉ tiêu"
        in (error.message_dict[field_name("c", s.measured.pk, "met")][0])
    )
    assert written(commune) == (0, 0)


def test_a_criterion_without_indicators_is_recorded_for_itself(s, office_user):
    commune = commune_on(s.criteria_set)

    done = record(
        commune, 2026, criteria={s.plain.pk: (True, "Quy hoạch đã duyệt")}, user=office_user
    )

    assessment = Assessment.objects.get(commune=commune, criterion=s.plain, year=2026)
    assert (assessment.met, assessment.note) == (True, "Quy hoạch đã duyệt")
    assert assessment.history.latest().history_user == office_user
    assert [str(change) for change in done.changes] == [
        "Tiêu chí 2 Quy hoạch thử: chưa đánh giá → đạt"
    ]


def test_the_years_national_set_and_a_draft_commune_year_when_there_is_none(office_user):
    national = national_2026()
    criterion = criterion_without_indicators(national)
    commune = Commune.objects.create(
        province=Commune.objects.filter(era=Era.FROM_2025).first().province,
        code="98765",
        name="Thử Kết Quả",
        era=Era.FROM_2025,
        valid_from=datetime.date(2025, 7, 1),
    )
    results_group(commune, national)

    done = record(commune, 2026, criteria={criterion.pk: (False, "")}, user=office_user)

    commune_year = CommuneYear.objects.get(commune=commune, year=2026)
    assert done.created and done.commune_year == commune_year
    assert (commune_year.status, commune_year.criteria_set) == ("draft", national)
    assert Assessment.objects.get(commune=commune, criterion=criterion).met is False


def results_group(commune, criteria_set, number=2):
    commune.groups.create(period=criteria_set.period, number=number)


def test_a_2021_2025_year_is_recorded_by_criterion_as_before(office_user):
    ban_vuoc = Commune.objects.get(name="Bản Vược", era=Era.PRE_2025)
    programme = CriteriaSet.objects.programme().get()
    assessment = Assessment.objects.filter(commune=ban_vuoc, year=2024, met=False).first()
    before = CriteriaScore.objects.get(commune=ban_vuoc, year=2024, criteria_set=programme)

    record(ban_vuoc, 2024, criteria={assessment.criterion_id: (True, "")}, user=office_user)

    assessment.refresh_from_db()
    after = CriteriaScore.objects.get(commune=ban_vuoc, year=2024, criteria_set=programme)
    assert assessment.met is True
    assert assessment.history.latest().history_user == office_user
    assert (after.met, after.assessed) == (before.met + 1, before.assessed)
    assert CommuneYear.objects.get(commune=ban_vuoc, year=2024).criteria_set == programme


def test_a_year_no_period_covers_is_refused(office_user):
    ban_vuoc = Commune.objects.get(name="Bản Vược", era=Era.PRE_2025)
    criterion = Criterion.objects.programme().first()

    error = refusal(
        lambda: record(ban_vuoc, 2019, criteria={criterion.pk: (True, "")}, user=office_user)
    )

    assert error.messages == [
        "Năm 2019 không thuộc giai đoạn nào của chương trình: không ghi kết quả được."
    ]
    assert not Assessment.objects.filter(commune=ban_vuoc, year=2019).exists()


def test_an_approved_commune_year_is_refused_with_the_reason(s, office_user):
    commune = commune_on(s.criteria_set)
    CommuneYear.objects.filter(commune=commune).update(status=CommuneYear.Status.APPROVED)

    error = refusal(
        lambda: record(commune, 2026, criteria={s.plain.pk: (True, "")}, user=office_user)
    )

    assert error.messages == [
        f"Kết quả năm 2026 của Xã {commune.name} đã được duyệt nên không sửa được; người có "
        "quyền duyệt có thể mở lại kèm lý do."
    ]
    assert written(commune) == (0, 0)


def test_a_closed_year_is_refused_with_the_reason(s, office_user, today):
    commune = commune_on(s.criteria_set)
    YearClosing.objects.create(year=2026, closes_on=datetime.date(2026, 11, 1))

    error = refusal(
        lambda: record(commune, 2026, indicators={s.value.pk: (None, "90", "")}, user=office_user)
    )

    assert error.messages[0].startswith("Năm 2026 đã khóa sổ từ ngày 01/11/2026")
    assert written(commune) == (0, 0)


def test_a_unit_that_no_longer_existed_that_year_is_refused_naming_its_successor(office_user):
    ban_vuoc = Commune.objects.get(name="Bản Vược", era=Era.PRE_2025)
    criterion = criterion_without_indicators(national_2026())

    error = refusal(
        lambda: record(ban_vuoc, 2026, criteria={criterion.pk: (True, "")}, user=office_user)
    )

    assert error.messages[0].startswith("Xã Bản Vược không còn từ 01/07/2025")
    assert ban_vuoc.current_unit.name in error.messages[0]
    assert not Assessment.objects.filter(commune=ban_vuoc, year=2026).exists()


def test_a_commune_without_a_group_cannot_be_assessed_for_2026(s, office_user):
    commune = commune_on(s.criteria_set, group=None)

    error = refusal(
        lambda: record(commune, 2026, criteria={s.plain.pk: (True, "")}, user=office_user)
    )

    assert error.messages == [
        "Xã chưa được xếp nhóm cho giai đoạn 2026–2030 nên chưa đánh giá được: "
        f"Xã {commune.name}. Hãy xếp nhóm (1, 2 hoặc 3) cho xã trong hồ sơ xã trước."
    ]
    assert written(commune) == (0, 0)


def test_a_note_without_a_result_is_refused(s, office_user):
    commune = commune_on(s.criteria_set)

    error = refusal(
        lambda: record(commune, 2026, criteria={s.plain.pk: (None, "chờ")}, user=office_user)
    )

    assert field_name("c", s.plain.pk, "note") in error.message_dict
    assert written(commune) == (0, 0)


def test_an_empty_entry_clears_a_result_and_what_followed_from_it(s, office_user):
    commune = commune_on(s.criteria_set)
    entries = {s.value.pk: (None, "85", ""), s.yes_no.pk: (True, None, "")}
    record(commune, 2026, indicators=entries, user=office_user)

    done = record(
        commune,
        2026,
        indicators={s.value.pk: (None, "", ""), s.yes_no.pk: (None, None, "")},
        user=office_user,
    )

    assert written(commune) == (0, 0)
    assert [(c.criterion_number, c.was_met, c.met) for c in done.changes] == [(1, True, None)]
    assert not CriteriaScore.objects.filter(commune=commune, year=2026).exists()


def test_an_unchanged_result_is_not_written_again(s, office_user):
    commune = commune_on(s.criteria_set)
    record(commune, 2026, indicators={s.value.pk: (None, "85", "đo 2026")}, user=office_user)
    history = IndicatorResult.history.filter(id__in=IndicatorResult.objects.values("pk")).count()

    done = record(
        commune, 2026, indicators={s.value.pk: (None, "85,0", "đo 2026")}, user=office_user
    )

    assert not done
    assert done.summary() == "Không có thay đổi nào để lưu."
    assert IndicatorResult.history.filter(id__in=IndicatorResult.objects.values("pk")).count() == (
        history
    )


def test_the_sheet_says_why_a_page_is_read_only(s):
    commune = commune_on(s.criteria_set, group=None)

    current = results.sheet(commune, 2026)

    assert current.criteria_set == s.criteria_set
    assert [error.code for error in current.blockers] == ["no_group"]
