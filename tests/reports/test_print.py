"""The office's reports as LibreOffice prints them (`make print-check`, not the default run).

Every registered report (reports/exporters.py) is built on the demo data, as the
office downloads it, on both maps and for both programme periods where it has a
year, printed to PDF by Debian's LibreOffice headless in one run, and read back
with pdfminer.six. On every page no two words are drawn over each other (wrapped
text running over the next rows, heading lines on top of each other), every word
lies on the page, and the first column's heading "STT" is there (the header rows
repeat on every page: a page without it holds columns that fell off the page).

Slow (LibreOffice, the demo data): marked `print`, which the default run leaves out.
"""

import time

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from reports import exporters
from tests.support import printed
from tests.support.clock import DEMO_DAY

pytestmark = [pytest.mark.print, pytest.mark.django_db]

# (report, form data): each report on both maps; the matrix and the periodic report for a
# year of 2021–2025 (19 criteria) and one of 2026–2030 (10 criteria, commune groups).
CASES = [
    ("annex", {"map": "current"}),
    ("annex", {"map": "old"}),
    ("matrix", {"year": "2025", "map": "old"}),
    ("matrix", {"year": "2025", "map": "current"}),
    ("matrix", {"year": "2026", "map": "current"}),
    ("visits", {"map": "old"}),
    ("visits", {"map": "current"}),
    ("periodic", {"period": "2025", "map": "old"}),
    ("periodic", {"period": "2026", "map": "current"}),
]
FIRST_HEADING = "STT"
OFFICE = "vanphong"  # the demo's office account


def case_name(identifier, data):
    return "-".join([identifier, *data.values()])


@pytest.fixture(scope="module")
def printed_reports(django_db_setup, django_db_blocker, tmp_path_factory):
    """{case name: the PDF's Pages} of every case, built on the demo data (tests/conftest.py
    loads it) as the office downloads it, and printed."""
    folder = tmp_path_factory.mktemp("print")
    paths = []
    with django_db_blocker.unblock():
        office = get_user_model().objects.get(username=OFFICE)
        with translation.override("vi"):
            for identifier, data in CASES:
                exporter = exporters.get(identifier)
                form = exporter.get_form(data)
                assert exporter.is_valid(form), form.errors
                workbook, _stem = exporter.build(office, form, DEMO_DAY)
                paths.append(folder / f"{case_name(identifier, data)}.xlsx")
                workbook.save(paths[-1])
    started = time.monotonic()
    pdfs = printed.to_pdf(paths, folder, tmp_path_factory.mktemp("profile"))
    print(f"\nLibreOffice printed {len(pdfs)} reports in {time.monotonic() - started:.1f} s")
    return {pdf.stem: list(printed.pages(pdf)) for pdf in pdfs}


def test_every_registered_report_is_printed():
    assert {identifier for identifier, _data in CASES} == {
        exporter.identifier for exporter in exporters.registered()
    }


@pytest.mark.parametrize(("identifier", "data"), CASES, ids=[case_name(*c) for c in CASES])
def test_a_printed_report_has_no_words_over_each_other_and_every_column_on_its_pages(
    printed_reports, identifier, data
):
    pages = printed_reports[case_name(identifier, data)]
    print(f"{case_name(identifier, data)}: {len(pages)} pages")

    assert pages and all(page.words for page in pages)
    for page in pages:
        assert printed.overlapping(page.words) == [], f"page {page.number}"
        assert printed.outside(page) == [], f"page {page.number}"
        assert FIRST_HEADING in page.text.split(), f"page {page.number}"
