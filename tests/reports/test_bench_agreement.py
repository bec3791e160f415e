"""`make bench`'s agreement part (bench/agreement.py) on the demo data: the dashboard's
figures, the lists they open, the visit log's total and the matrix's total row agree, and a
total that disagrees stops it."""

from decimal import Decimal

import pytest

from bench import agreement
from reports.excel.matrix_totals import Tally

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today", "office_user")]


def test_the_demo_datas_figures_agree_everywhere():
    lines = agreement.check_agreement()

    year = agreement.fullest_year()  # the demo's 2021–2025 year with the most results
    assert 2021 <= year <= 2025
    assert len(lines) == 6
    assert lines[-2].startswith(f"visit log {year}: Tổng cộng ")
    assert lines[-1].startswith(f"matrix {year}: total row ")


def test_a_matrix_total_that_disagrees_with_the_dashboard_stops_the_bench(monkeypatch):
    monkeypatch.setattr(Tally, "average", property(lambda self: Decimal("1.0")))

    with pytest.raises(SystemExit, match=r"matrix \d{4}: total"):
        agreement.check_agreement()
