"""A decision's long title is shortened between two words, never inside one, where a
list offers decisions to choose (the annex report's form)."""

import html
import re

import pytest
from django.urls import reverse

from assignments.models import Decision
from tests import factories

pytestmark = pytest.mark.django_db

TITLE = (
    "Về việc phân công lãnh đạo các cơ quan, đơn vị, doanh nghiệp của tỉnh giúp đỡ các xã "
    "thực hiện Chương trình mục tiêu quốc gia xây dựng nông thôn mới giai đoạn 2021–2025"
)


def whole_words(shortened, full):
    """Whether `shortened` is the first words of `full` (a comma after the last one may go)."""
    words = shortened.removesuffix("…").split()
    expected = full.split()[: len(words)]
    return words[:-1] == expected[:-1] and words[-1] == expected[-1].rstrip(",;:")


def test_the_annex_form_offers_a_long_decision_cut_between_words(office_client):
    decision = factories.make_decision(number="1600/QĐ-UBND", title=TITLE)
    page = office_client.get(reverse("reports:report_annex")).content.decode()
    shown = html.unescape(re.search(rf'<option value="{decision.pk}"[^>]*>([^<]*)<', page)[1])
    assert shown.endswith("…") and len(shown) <= 120
    assert whole_words(shown, f"1600/QĐ-UBND – {TITLE}")


@pytest.mark.parametrize("limit", range(20, 60))
def test_a_label_cut_at_any_length_keeps_whole_words(limit):
    label = Decision(number="1599/QĐ-UBND", title=TITLE).choice_label(limit)
    assert len(label) <= limit and label.endswith("…")
    assert whole_words(label, f"1599/QĐ-UBND – {TITLE}")


def test_a_short_title_is_shown_whole():
    decision = Decision(number="15/QĐ-UBND", title="Phân công năm 2026")
    assert decision.choice_label() == "15/QĐ-UBND – Phân công năm 2026"
