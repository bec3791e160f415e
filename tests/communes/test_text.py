import unicodedata

import pytest

from communes.text import fold, match_key, search_key, sort_key, strip_prefix


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Vạn Hoà", "Vạn Hòa"),  # old and new tone-mark placement
        ("Sơn Thuỷ", "Sơn Thủy"),
        ("Xã Bản Vược", "Bản Vược"),  # optional prefix
        ("xã  bản   vược ", "BẢN VƯỢC"),  # case and spaces
        (unicodedata.normalize("NFD", "Bản Vược"), "Bản Vược"),  # decomposed Unicode
        (unicodedata.normalize("NFD", "Xã Sơn Thuỷ"), "Sơn Thủy"),  # all at once
        ("Huyện Bắc Hà", "Bắc Hà"),
        ("Thị xã Sa Pa", "Sa Pa"),
        ("Thị trấn Bắc Hà", "bắc hà"),
        ("TP. Lào Cai", "Lào Cai"),
    ],
)
def test_match_key_equates_spelling_variants_of_one_name(a, b):
    assert match_key(a) == match_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Tả Van", "Tả Van Chư"),  # names nest: never a substring match
        ("Tả Van", "Tà Van"),  # a different tone is a different name
        ("Khánh Yên Thượng", "Khánh Yên Hạ"),
        ("Bản Cái", "Bản Cài"),
        ("Đồng Tuyển", "Dồng Tuyển"),  # đ is its own letter
        ("Sơn Thủy", "Sơn Thuy"),  # a missing tone is a different name
    ],
)
def test_match_key_keeps_different_names_apart(a, b):
    assert match_key(a) != match_key(b)


def test_search_key_folds_accents_and_d_bar():
    assert search_key("Bản Vược") == "ban vuoc"
    assert search_key("Đồng Tuyển") == "dong tuyen"
    assert fold(unicodedata.normalize("NFD", "Mường Khương")) == "muong khuong"


def test_search_key_strips_prefix_only_when_asked():
    assert search_key("Xã Bản Vược") == "xa ban vuoc"
    assert search_key("Xã Bản Vược", strip=True) == "ban vuoc"


def test_strip_prefix_leaves_a_bare_prefix_word_alone():
    assert strip_prefix("xã") == "xã"
    assert strip_prefix("xã xuân quang") == "xuân quang"
    assert strip_prefix("thị xã sa pa") == "sa pa"


def test_sort_key_orders_names_as_vietnamese_readers_expect():
    names = ["Ư", "Ốc", "Đồng Tuyển", "Dương Quỳ", "Ân", "Anh", "An Bình", "Ăn", "Bắc Hà", "Bảo"]
    assert sorted(names, key=sort_key) == [
        "An Bình",
        "Anh",
        "Ăn",
        "Ân",
        "Bảo",
        "Bắc Hà",
        "Dương Quỳ",
        "Đồng Tuyển",
        "Ốc",
        "Ư",
    ]


def test_sort_key_orders_tones_only_between_equal_letters():
    assert sorted(["Tả Van", "Tá Van", "Tà Van", "Ta Van"], key=sort_key) == [
        "Ta Van",
        "Tà Van",
        "Tả Van",
        "Tá Van",
    ]
    # Letters decide before tones: "Tá" sorts before "Tai" whatever the tone.
    assert sort_key("Tạ") < sort_key("Tai")


def test_sort_key_is_digits_only_so_every_database_collation_agrees():
    assert sort_key("Bản Vược").isdigit()
