"""core.formats writes a day, a moment and a person the way every page and file does."""

import datetime
import zoneinfo

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.template import Context, Template

from core import formats
from core.fields import DayField


def test_day_is_dd_mm_yyyy_with_four_digit_years():
    assert formats.day(datetime.date(2025, 7, 1)) == "01/07/2025"
    assert formats.day(datetime.date(999, 1, 2)) == "02/01/0999"
    assert formats.day(None) == ""


def test_day_of_an_aware_moment_is_the_local_day(settings):
    settings.TIME_ZONE = "Asia/Ho_Chi_Minh"
    late_utc = datetime.datetime(2025, 6, 30, 18, 30, tzinfo=datetime.UTC)  # 01:30 on 01/07 here
    assert formats.day(late_utc) == "01/07/2025"


def test_moment_is_local_time_then_day(settings):
    settings.TIME_ZONE = "Asia/Ho_Chi_Minh"
    utc = datetime.datetime(2026, 12, 4, 2, 5, tzinfo=datetime.UTC)
    assert formats.moment(utc) == "09:05 04/12/2026"
    local = datetime.datetime(2026, 12, 4, 9, 5, tzinfo=zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh"))
    assert formats.moment(local) == "09:05 04/12/2026"


def test_display_name_prefers_the_full_name():
    User = get_user_model()
    assert formats.display_name(User(username="vp", first_name="Lan", last_name="Hà")) == "Lan Hà"
    assert formats.display_name(User(username="vp")) == "vp"
    assert formats.display_name(None) == "người khác"
    assert formats.display_name(None, "(tài khoản đã xoá)") == "(tài khoản đã xoá)"


def test_display_name_filter_in_a_template():
    User = get_user_model()
    template = Template('{% load ntm_format %}{{ a|display_name }}|{{ b|display_name:"(xoá)" }}')
    html = template.render(Context({"a": User(username="thanhvien_a"), "b": None}))
    assert html == "thanhvien_a|(xoá)"


@pytest.mark.parametrize(
    "typed",
    ["10/02/2025", "10/2/2025", "10/2/25", " 10/2/25 ", "10-2-2025", "10.02.25", "2025-02-10"],
)
def test_a_day_is_read_as_people_type_it(typed):
    assert formats.parse_day(typed) == datetime.date(2025, 2, 10)


@pytest.mark.parametrize("typed", ["hôm qua", "10/2", "10/2-2025", "10/2/2025 9:00", "", "1/2/225"])
def test_a_text_that_is_not_a_day_is_none(typed):
    assert formats.parse_day(typed) is None


@pytest.mark.parametrize("typed", ["31/02/2025", "29/2/25", "0/1/2025", "1/13/2025", "2025-02-30"])
def test_a_day_the_calendar_does_not_have_is_never_read_as_another(typed):
    with pytest.raises(formats.NoSuchDay):
        formats.parse_day(typed)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("31/02/2025", "Không có ngày “31/02/2025”: tháng 2 năm 2025 có 28 ngày."),
        ("29/2/24x", "Ngày không hợp lệ: hãy ghi theo dạng dd/mm/yyyy, ví dụ 25/11/2025."),
        ("1/13/2025", "Không có ngày “1/13/2025”: một năm có 12 tháng."),
    ],
)
def test_the_day_field_says_why_a_day_is_refused(typed, message):
    field = DayField()

    with pytest.raises(ValidationError) as refused:
        field.clean(typed)

    assert refused.value.messages == [message]
    assert field.clean("29/2/24") == datetime.date(2024, 2, 29)
