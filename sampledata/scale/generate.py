"""Generating the national-scale dataset: its size (Scale), the checks before
writing, the one transaction and the statistics update after it."""

import random
from dataclasses import dataclass

from django.db import connections, transaction
from django.utils import timezone

from communes.models import CriteriaSet
from sampledata import refuse_in_production

from .decision import create_assignments
from .markers import scale_data_exists
from .reform import create_reform
from .removal import remove_scale_data
from .results import create_assessments
from .units import create_units
from .visits import create_visits
from .writing import Progress
from .year2026 import create_year


class ScaleDataError(Exception):
    """The synthetic data cannot be generated; the message says why and what to do."""


@dataclass(frozen=True)
class Scale:
    communes: int = 10_000
    districts: int = 700
    provinces: int = 63
    visits: int = 100_000
    years: int = 5
    years_2026: int = 1  # years of the 2026–2030 set, from 2026, on the units of today
    seed: int = 2025

    def check(self):
        if not 1 <= self.provinces <= 36**2 - 1:
            raise ScaleDataError("Số tỉnh phải từ 1 đến 1295.")
        if not self.provinces <= self.districts <= self.communes <= 36**4 - 1:
            raise ScaleDataError("Cần: số tỉnh ≤ số huyện ≤ số xã ≤ 1.679.615.")
        if self.visits < 0 or self.years < 1:
            raise ScaleDataError("Số chuyến công tác phải ≥ 0 và số năm phải ≥ 1.")
        if not 0 <= self.years_2026 <= 5:
            raise ScaleDataError("Số năm của giai đoạn 2026–2030 phải từ 0 đến 5.")


def generate_scale_data(scale=None, *, clear=False, today=None, write=None):
    """Create the synthetic dataset in one transaction; {step label: rows written}.

    Refused in production mode (ScaleDataError), before anything is read or written.
    One transaction keeps a failed run from leaving half a dataset behind, and on
    SQLite it is also the fast way (one commit, not one per batch).
    """
    refuse_in_production("tạo dữ liệu giả lập", ScaleDataError)
    scale = scale or Scale()
    scale.check()
    criteria_set = CriteriaSet.objects.programme().first()
    criteria = list(criteria_set.criteria.order_by("number")) if criteria_set else []
    if len(criteria) != 19:
        raise ScaleDataError(
            "Chưa có bộ 19 tiêu chí của chương trình 2021–2025 (Quyết định 318/QĐ-TTg). "
            "Hãy chạy trước: python manage.py load_reference"
        )
    years = range(criteria_set.first_year, criteria_set.first_year + scale.years)
    if years[-1] > criteria_set.last_year:
        raise ScaleDataError(
            f"Bộ tiêu chí {criteria_set.code} chỉ áp dụng {criteria_set.first_year}–"
            f"{criteria_set.last_year}: --years tối đa "
            f"{criteria_set.last_year - criteria_set.first_year + 1}."
        )
    if scale_data_exists() and not clear:
        raise ScaleDataError(
            "Đã có dữ liệu giả lập quy mô toàn quốc; không ghi gì. Dùng --clear để xoá và tạo lại."
        )
    today = today or timezone.localdate()
    rng = random.Random(scale.seed)
    progress = Progress(write)
    with transaction.atomic():
        if clear:
            remove_scale_data(progress)
        communes = create_units(rng, scale, progress)
        successor_of = create_reform(rng, communes, progress)
        assignments = create_assignments(rng, communes, successor_of, today, progress)
        create_assessments(rng, communes, criteria, years, progress)
        create_visits(rng, assignments, criteria, scale.visits, today, progress)
        units = list(dict.fromkeys(successor_of.values()))  # the current units, in code order
        for year in range(2026, 2026 + scale.years_2026):
            create_year(rng, units, year, progress)
    # PostgreSQL checks the (deferred) foreign keys of every row at commit.
    progress.done("Kết thúc giao dịch (commit)", 0, written=False)
    update_statistics()
    progress.done("Cập nhật thống kê của cơ sở dữ liệu (ANALYZE)", 0, written=False)
    return progress.counts


def update_statistics(using="default"):
    """ANALYZE after a bulk load, as autovacuum would later.

    Without statistics PostgreSQL's planner guesses, and estimates high enough to
    switch its JIT compiler on for queries that take 10 ms (half a second spent
    compiling, found on the list pages). SQLite gets ANALYZE too (for its own
    planner's sqlite_stat1).
    """
    with connections[using].cursor() as cursor:
        cursor.execute("ANALYZE")
