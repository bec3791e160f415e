"""Reference data that would leave an old unit without exactly one current unit is refused,
whole: load_reference and build_reference name the offending units (name, code, era) and
write nothing (issue 14, "Bad input and safety")."""

import copy
import json
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from communes.models import Commune, CommuneChange, District, Era, Province
from communes.reference.fixture import FIXTURE

pytestmark = pytest.mark.django_db

REFUSED = "Không nạp dữ liệu tham chiếu (không ghi gì): "
SHIPPED = json.loads(FIXTURE.read_text(encoding="utf-8"))


def snapshot():
    """What a half-load would change: row counts, and a name the bad fixtures also edit."""
    rows = {model.__name__: model.objects.count() for model in (Province, District, Commune)}
    rows["CommuneChange"] = CommuneChange.objects.count()
    rows["Bản Vược"] = Commune.objects.get(code="02710", era=Era.PRE_2025).name
    rows["current units"] = list(Commune.objects.order_by("pk").values_list("current_unit"))
    return rows


def commune(code, name):
    """A pre-2025 xã of Huyện Bắc Hà that ceased on 30/06/2025."""
    return {
        "model": "communes.commune",
        "fields": {
            "code": code,
            "name": name,
            "era": "pre2025",
            "valid_from": None,
            "valid_to": "2025-06-30",
            "search_name": name.lower(),
            "sort_name": name.lower(),
            "province": ["10", "pre2025"],
            "district": ["085", "pre2025"],
            "kind": "xa",
            "target_year": None,
        },
    }


def change(predecessor, successor, day):
    return {
        "model": "communes.communechange",
        "fields": {
            "predecessor": list(predecessor),
            "successor": list(successor),
            "kind": "merged",
            "effective_on": day,
            "legal_basis": "",
        },
    }


def bad_fixture(tmp_path, *added):
    """The shipped fixture with Bản Vược renamed and ``added`` rows at the end."""
    rows = copy.deepcopy(SHIPPED)
    for row in rows:
        if row["model"] == "communes.commune" and row["fields"]["code"] == "02710":
            row["fields"]["name"] = "Bản Vược sửa"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(rows + list(added), ensure_ascii=False), encoding="utf-8")
    return path


def load(path):
    call_command("load_reference", str(path), stdout=StringIO())


NO_SUCCESSOR = (
    [commune("99901", "Thử Một"), commune("99902", "Thử Hai")],
    "2 đơn vị đã ngừng tồn tại nhưng không có đơn vị kế thừa: "
    "Xã Thử Một (99901, trước 01/07/2025), Xã Thử Hai (99902, trước 01/07/2025).",
)
# Na Hối went into Xã Bắc Hà; the bad file also sends it into Xã Bảo Nhai on the same day.
DIVIDED = (
    [change(("02875", "pre2025"), ("02890", "2025"), "2025-07-01")],
    "1 đơn vị được chia cho nhiều đơn vị cùng một ngày: Xã Na Hối (02875, trước 01/07/2025) "
    "được chia cho Xã Bảo Nhai (02890, từ 01/07/2025) và Xã Bắc Hà (02839, từ 01/07/2025).",
)
# Thị trấn Bắc Hà went into Xã Bắc Hà (same code, new era); the bad file sends it back.
CYCLE = (
    [change(("02839", "2025"), ("02839", "pre2025"), "2026-01-01")],
    "2 đơn vị có chuỗi sáp nhập quay vòng: "
    "Xã Bắc Hà (02839, từ 01/07/2025), Thị trấn Bắc Hà (02839, trước 01/07/2025).",
)


@pytest.mark.parametrize(
    ("added", "reason"), [NO_SUCCESSOR, DIVIDED, CYCLE], ids=["no successor", "divided", "cycle"]
)
def test_load_reference_refuses_unsound_lineage_naming_the_units_and_writes_nothing(
    tmp_path, added, reason
):
    before = snapshot()
    with pytest.raises(CommandError) as refused:
        load(bad_fixture(tmp_path, *added))
    assert str(refused.value) == REFUSED + reason
    assert snapshot() == before


def test_every_reason_is_named_in_one_refusal(tmp_path):
    rows = NO_SUCCESSOR[0] + DIVIDED[0] + CYCLE[0]
    with pytest.raises(CommandError) as refused:
        load(bad_fixture(tmp_path, *rows))
    message = str(refused.value)
    assert message.count(REFUSED) == 1
    for reason in (NO_SUCCESSOR[1], DIVIDED[1], CYCLE[1]):
        assert reason.rstrip(".") in message


def test_the_shipped_fixture_with_the_same_edit_loads(tmp_path):
    load(bad_fixture(tmp_path))
    assert Commune.objects.get(code="02710", era=Era.PRE_2025).name == "Bản Vược sửa"


def test_load_reference_refuses_a_change_to_a_unit_it_does_not_know(tmp_path):
    before = snapshot()
    unknown = change(("02875", "pre2025"), ("99999", "2025"), "2025-07-01")
    with pytest.raises(CommandError, match=f"^{re.escape(REFUSED)}.*99999"):
        load(bad_fixture(tmp_path, unknown))
    assert snapshot() == before


def test_load_reference_refuses_a_file_that_is_not_there(tmp_path):
    with pytest.raises(CommandError, match=f"^{re.escape(REFUSED)}.*missing.json"):
        load(tmp_path / "missing.json")


def test_build_reference_refuses_a_province_whose_units_the_package_divides():
    # Lạng Sơn (20): the package divides Hồng Phong, Bính Xá and Kiên Mộc between two units.
    with pytest.raises(CommandError) as refused:
        call_command("build_reference", "--province", "20", stdout=StringIO(), stderr=StringIO())
    message = str(refused.value)
    assert message.startswith(REFUSED + "3 đơn vị được chia cho nhiều đơn vị cùng một ngày: ")
    assert "Xã Bính Xá (06622, trước 01/07/2025) được chia cho Xã Kiên Mộc (06625, từ " in message
    for code in ("06079", "06622", "06625"):
        assert f"({code}, trước 01/07/2025) được chia cho" in message
    assert not Province.objects.filter(code="20").exists()


def test_build_reference_loads_no_province_when_one_of_them_is_refused():
    before = snapshot()
    with pytest.raises(CommandError):
        call_command("build_reference", "--province", "11", "--province", "20", stdout=StringIO())
    assert snapshot() == before
    assert not Province.objects.filter(code="11").exists()  # Điện Biên, sound, not kept
