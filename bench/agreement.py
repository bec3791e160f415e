"""Do the figures agree at national scale? (issue 16; `python -m bench.run --only agreement`)

Not a timing: on the bench's dataset, as the office, each dashboard view's figures are
followed to the list they open, and the list must count as many rows as the figure
says (the rule tests/reports/test_dashboard_links.py checks on the demo data); then the
visit log's "Tổng cộng" must give the confirmed visits the visits list counts, and the
criteria matrix's total row the average criteria met the dashboard shows. A
disagreement stops the bench with the figures.
"""

import contextlib
import io
import re

from . import measure


def fullest_year():
    """The 2021–2025 year with the most results (the bench's data has them all; a dataset
    generated with --years 1, only its first)."""
    from django.db.models import Count

    from communes.models import CriteriaScore

    years = CriteriaScore.objects.filter(year__lte=2025).values("year").annotate(n=Count("pk"))
    return max(years, key=lambda row: (row["n"], row["year"]))["year"]


def check_agreement():
    """What was compared, one line each; SystemExit at the first disagreement."""
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    # Responses carry their context (last in the bench: no timing); the suite has set it up.
    with contextlib.suppress(RuntimeError):
        setup_test_environment()
    client = measure.client_as(measure.OFFICE_USER)
    year = fullest_year()
    rows, seen = [], {}
    views = [{}, {"da-duyet": "1"}, {"map": "old", "year": year}, {"year": year}]
    for view in views:
        response = client.get(reverse("reports:dashboard"), view)
        assert response.status_code == 200, view
        cards = [c for s in response.context["figure_sections"] for c in s["cards"] if c.url]
        for card in cards:
            if card.url not in seen:
                listed = client.get(card.url)
                assert listed.status_code == 200, card.url
                seen[card.url] = listed.context["result_count"]
            if seen[card.url] != card.rows:
                raise SystemExit(
                    f"disagreement on {view}: the figure says {card.rows:,} rows, "
                    f"{card.url} lists {seen[card.url]:,}"
                )
        rows.append(f"dashboard {view or 'default'}: {len(cards)} figures = their lists")
    rows.append(_visit_log(client, year))
    rows.append(_matrix(client, year))
    return rows


def _visit_log(client, year):
    """The visit log's "Tổng cộng (n chuyến đã xác nhận)" of `year` = the confirmed visits of
    `year` in the visits list."""
    from django.urls import reverse
    from openpyxl import load_workbook

    from reports import exporters

    params = f"?date_from=01/01/{year}&date_to=31/12/{year}"
    page = client.get(reverse("assignments:visit_list") + params + "&status=confirmed")
    assert page.status_code == 200
    expected = page.context["result_count"]
    response = client.get(exporters.get("visits").download_url() + params)
    book = load_workbook(io.BytesIO(measure.body(response)), read_only=True)
    totals = [
        int(match.group(1).replace(".", ""))
        for row in book.worksheets[0].iter_rows(values_only=True)
        for cell in row
        if isinstance(cell, str) and (match := _CONFIRMED_TOTAL.search(cell))
    ]
    if totals != [expected]:
        raise SystemExit(f"visit log {year}: 'Tổng cộng' {totals}, the visits list {expected:,}")
    return f"visit log {year}: Tổng cộng {expected:,} confirmed visits = the visits list"


_CONFIRMED_TOTAL = re.compile(r"Tổng cộng \(([\d.,]+) chuyến")


def _matrix(client, year):
    """The criteria matrix of `year` (old map): its total row's communes with a result and
    average criteria met = the dashboard's."""
    from django.urls import reverse
    from openpyxl import load_workbook

    from reports import exporters

    response = client.get(exporters.get("matrix").download_url() + f"?year={year}&map=old")
    book = load_workbook(io.BytesIO(measure.body(response)), read_only=True)
    total = None
    for row in book.worksheets[0].iter_rows(values_only=True):
        label = next((v for v in row if isinstance(v, str)), "")
        if label.startswith("Toàn"):
            total = (label, next(v for v in reversed(row) if isinstance(v, int | float)))
    dashboard = client.get(reverse("reports:dashboard"), {"map": "old", "year": year})
    average = dashboard.context["figures"].average
    assessed = re.search(r"([\d.]+) xã có kết quả|\(([\d.]+) xã\)", total[0])
    counted = int((assessed.group(1) or assessed.group(2)).replace(".", ""))
    if counted != average.communes or round(total[1], 1) != float(average.value):
        raise SystemExit(f"matrix {year}: total {total} against the dashboard's {average}")
    return (f"matrix {year}: total row {counted:,} communes with a result, average "
            f"{total[1]:.1f} = the dashboard's")  # fmt: skip
