"""The indicators of a criteria set from a workbook: a good file, again, changed, a template."""

from decimal import Decimal

import pytest
from django.urls import reverse

from communes.models import CriteriaSet, Criterion, Indicator, IndicatorResult, Requirement
from reports.imports import criteria_set as criteria_set_import
from reports.imports import service
from reports.imports.files import ImportFileError
from reports.models import ImportBatch
from tests.factories import make_commune, make_criteria_set

from .criteria_set_workbooks import (
    GOOD,
    book,
    good_rows,
    grouped_set,
    lock,
    preview,
    requirements,
    row,
    sheet_values,
)

pytestmark = pytest.mark.django_db
TEMPLATE = reverse("reports:import_template", args=["bo-tieu-chi"])


@pytest.fixture
def criteria_set(db):
    return grouped_set()


def codes(criteria_set):
    return sorted(
        Indicator.objects.filter(criterion__criteria_set=criteria_set).values_list(
            "code", flat=True
        )
    )


def test_a_good_workbook_creates_each_indicator_with_a_requirement_per_group(
    criteria_set, office_user
):
    batch, plan = preview(book(good_rows()), criteria_set, office_user)
    assert (plan.created, plan.updated, plan.unchanged, plan.errors) == (4, 0, 0, 0)
    assert codes(criteria_set) == []  # a preview writes nothing

    batch, done = service.apply(batch, office_user)
    assert done and batch.status == ImportBatch.Status.APPLIED
    assert (batch.created_count, batch.criteria_set) == (4, criteria_set)
    assert codes(criteria_set) == ["1.1", "2.1", "2.2", "3.1"]
    indicator = Indicator.objects.get(criterion__criteria_set=criteria_set, code="2.2")
    assert (indicator.criterion.number, indicator.unit, indicator.is_demo) == (2, "%", False)
    found = requirements(criteria_set)
    assert found[("2.1", 1)] == ("100%", ">=", Decimal("100"))
    assert found[("2.2", 2)] == ("≥ 98,5%", ">=", Decimal("98.5"))  # typed "98,5"
    assert found[("1.1", 3)] == ("Đạt", "", None)  # a yes/no requirement
    # No text typed for group 3: the requirement reads as its comparison and target.
    assert found[("3.1", 3)] == ("≥ 60 triệu đồng/người/năm", ">=", Decimal("60"))
    assert len(found) == 4 * 3
    assert Requirement.objects.get(indicator=indicator, group=3).check_value(Decimal(96))


def test_importing_the_same_file_again_changes_nothing(criteria_set, office_user):
    data = book(good_rows())
    service.apply(preview(data, criteria_set, office_user)[0], office_user)
    before = requirements(criteria_set)

    batch, plan = preview(data, criteria_set, office_user)
    assert (plan.created, plan.updated, plan.unchanged) == (0, 0, 4)
    assert list(service.earlier_imports(batch)) != []
    service.apply(batch, office_user)
    assert requirements(criteria_set) == before


def test_a_changed_file_updates_its_indicators_and_removes_those_it_drops(
    criteria_set, office_user
):
    service.apply(preview(book(good_rows()), criteria_set, office_user)[0], office_user)
    changed = row(
        2,
        "2.1",
        "Tỷ lệ km đường xã được cứng hóa",
        "%",
        ("100%", "≥", 100),
        ("≥ 95%", "≥", 95),
        ("≥ 70%", "≥", 70),
    )
    rows = good_rows(replace={2: changed})
    del rows[-2]  # 2.2 is no longer in the file
    batch, plan = preview(book(rows), criteria_set, office_user)
    assert (plan.created, plan.updated, plan.unchanged, plan.deleted) == (0, 2, 2, 1)
    assert plan.removed_codes == ["2.2"]
    update = next(r for r in plan.rows if r.code == "2.1")
    assert [str(change) for change in update.changes] == ["yêu cầu nhóm 2"]

    service.apply(batch, office_user)
    assert codes(criteria_set) == ["1.1", "2.1", "3.1"]
    assert requirements(criteria_set)[("2.1", 2)] == ("≥ 95%", ">=", Decimal("95"))
    assert not Requirement.objects.filter(indicator__code="2.2", group=1).filter(
        indicator__criterion__criteria_set=criteria_set
    )


def test_an_indicator_with_results_is_not_dropped(criteria_set, office_user):
    service.apply(preview(book(good_rows()), criteria_set, office_user)[0], office_user)
    indicator = Indicator.objects.get(criterion__criteria_set=criteria_set, code="2.2")
    IndicatorResult.objects.create(commune=make_commune(), indicator=indicator, year=2026, met=True)
    rows = good_rows()
    del rows[-2]
    with pytest.raises(ImportFileError, match=r"2\.2 \(1 kết quả\)"):
        preview(book(rows), criteria_set, office_user)
    assert codes(criteria_set) == ["1.1", "2.1", "2.2", "3.1"]


def test_a_locked_set_is_refused_with_a_new_version_to_make(criteria_set, office_user):
    lock(criteria_set)
    with pytest.raises(ImportFileError, match="Hãy tạo phiên bản mới"):
        preview(book(good_rows()), criteria_set, office_user)
    failed = ImportBatch.objects.get(criteria_set=criteria_set)
    assert failed.status == ImportBatch.Status.FAILED
    assert "đã có kết quả được duyệt" in failed.message
    assert codes(criteria_set) == []


def test_a_set_locked_after_the_preview_is_refused_on_confirm(criteria_set, office_user):
    batch, _plan = preview(book(good_rows()), criteria_set, office_user)
    lock(criteria_set)
    with pytest.raises(service.ImportRefused, match="phiên bản mới"):
        service.apply(batch, office_user)
    assert codes(criteria_set) == []
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED


def test_a_set_of_a_period_without_groups_takes_one_requirement(office_user):
    criteria_set = make_criteria_set(2021, 2025)
    Criterion.objects.create(criteria_set=criteria_set, number=17, name="Môi trường")
    rows = [
        ["Tiêu chí", "Số chỉ tiêu", "Nội dung chỉ tiêu", "Đơn vị", "Yêu cầu", "So sánh", "Mức đạt"],
        [17, "17.1", "Tỷ lệ hộ dùng nước sạch", "%", "≥ 95%", "≥", 95],
        [17, "17.8a", "Có mô hình thôn xanh", None, "Đạt", None, None],
    ]
    batch, plan = preview(book(rows), criteria_set, office_user)
    assert (plan.created, plan.errors, plan.groups) == (2, 0, [])
    service.apply(batch, office_user)
    assert requirements(criteria_set) == {
        ("17.1", criteria_set_import.COMMON_GROUP): ("≥ 95%", ">=", Decimal("95")),
        ("17.8a", criteria_set_import.COMMON_GROUP): ("Đạt", "", None),
    }
    assert Indicator.objects.get(code="17.1", criterion__criteria_set=criteria_set).threshold == (
        "≥ 95%"
    )

    grouped = [rows[0][:4] + ["Yêu cầu nhóm 1", "So sánh nhóm 1", "Mức đạt nhóm 1"], *rows[1:]]
    with pytest.raises(ImportFileError, match="không chia nhóm xã"):
        preview(book(grouped), criteria_set, office_user)


def test_the_template_lists_the_criteria_and_reads_back_unchanged(
    criteria_set, office_client, office_user
):
    service.apply(preview(book(good_rows()), criteria_set, office_user)[0], office_user)
    response = office_client.get(TEMPLATE, {"set": criteria_set.pk})
    assert response.status_code == 200
    assert criteria_set.code in response["Content-Disposition"]
    data = response.content
    reference = sheet_values(data, "Tieu chi")
    listed = [r[:2] for r in reference if isinstance(r[0], int)]
    assert listed[:3] == [[n, f"Tiêu chí thử số {n}"] for n in (1, 2, 3)]
    assert any(r[0] == 3 and "khu vực II" in str(r[1]) for r in reference)  # group 3's definition
    main = sheet_values(data, "Chi tieu")
    assert ["Tiêu chí", "Số chỉ tiêu", "Nội dung chỉ tiêu", "Đơn vị", "Yêu cầu nhóm 1"] in [
        r[:5] for r in main
    ]

    _batch, plan = preview(data, criteria_set, office_user, name="mau.xlsx")
    assert (plan.created, plan.updated, plan.unchanged, plan.errors) == (0, 0, 4, 0)


def test_the_blank_template_of_an_empty_set_has_a_heading_per_criterion(
    criteria_set, office_client, office_user
):
    response = office_client.get(TEMPLATE, {"set": criteria_set.pk})
    main = sheet_values(response.content, "Chi tieu")
    headings = [r[:3] for r in main if isinstance(r[0], int)]
    assert headings == [[n, None, f"Tiêu chí thử số {n}"] for n in (1, 2, 3)]
    # Filled in as it comes, nothing else touched: it imports.
    filled = [list(r) for r in main]
    at = next(i for i, r in enumerate(filled) if r[0] == 2) + 1
    filled[at][1:4] = ["2.1", "Tỷ lệ km đường xã được cứng hóa", "%"]
    filled[at][4:13] = ["≥ 90%", "≥", 90, "≥ 80%", "≥", 80, "≥ 60%", "≥", 60]
    _batch, plan = preview(book(filled), criteria_set, office_user)
    assert (plan.created, plan.errors) == (1, 0)
    assert plan.rows[0].criterion.startswith("2.")


def test_the_template_of_an_unknown_set_is_not_found(office_client):
    for query in ({"set": 0}, {"set": "abc"}, {"set": "9" * 30}):
        assert office_client.get(TEMPLATE, query).status_code == 404


def test_the_template_without_a_set_is_the_one_of_this_years_results(office_client, today):
    response = office_client.get(TEMPLATE)
    current = CriteriaSet.objects.for_year(today.year)
    assert current.code in response["Content-Disposition"]


def test_an_empty_file_writes_nothing(criteria_set, office_user):
    heading_only = good_rows()[: -len(GOOD) + 1]
    with pytest.raises(ImportFileError, match="không có dòng chỉ tiêu"):
        preview(book(heading_only), criteria_set, office_user)
    assert codes(criteria_set) == []
