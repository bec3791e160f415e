"""Workbooks of another kind uploaded as an annex, recognised by their header and title.

The portal's own files (the visit log, the criteria matrix and its blank, the
periodic report, the lists' Excel downloads) and files laid out like them hold
columns an annex never has: "Ngày", "Mục đích", "Kiến nghị", "TC1" … "TC19",
"Mức đạt chuẩn". A sheet whose header row holds three or more of one kind's
columns (two under the kind's title, or when the sheet has no annex header at
all) is of that kind, whatever the file is called; the title above the header
("NHẬT KÝ CHUYẾN CÔNG TÁC …") also tells two kinds with the same columns apart. The
importer refuses such a file with one sentence naming what it is and what an
annex needs, instead of reading its rows as leaders.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .files import ImportFileError
from .matrix import criterion_number
from .names import folded

# Columns of one kind that make a sheet that kind (an annex has none of them): two
# under the kind's title or on a sheet with no annex header, three beside an annex's.
THRESHOLD = 2
BESIDE_AN_ANNEX_HEADER = 3
# How far down a sheet without an annex header the header of another kind is looked for.
SEARCH_ROWS = 30
TITLE_ROWS = 10
SHOWN_COLUMNS = 4


@dataclass(frozen=True)
class Kind:
    label: str  # what the file is, inside a sentence
    titles: tuple  # accent-free title lines (a title line is one of these, or starts with it)
    headers: frozenset  # accent-free header cells typical of the kind
    criteria: bool = False  # "TC1" … "TC19" columns count as the kind's


VISIT_COLUMNS = frozenset(
    {
        "ngay",
        "muc dich",
        "ket qua nam tinh hinh",
        "lanh dao truc tiep di",
        "lanh dao di",
        "trang thai",
        "ho tro",
        "khoan ho tro",
        "gia tri ho tro",
        "kien nghi",
        "trang thai chuyen",
        "hinh thuc",
        "noi dung ho tro",
        "so luong",
        "don vi tinh",
        "gia tri",
        "noi dung kien nghi",
        "gui den",
        "han xu ly",
        "tinh trang",
        "ngay giai quyet",
        "ket qua xu ly",
        # as offices title their own logs
        "ngay di",
        "ngay cong tac",
        "ngay lam viec",
        "thoi gian",
        "noi dung",
        "noi dung lam viec",
        "thanh phan",
        "thanh phan doan",
        "ket qua",
        "kinh phi ho tro",
        "so tien",
    }
)
KINDS = (
    Kind(
        gettext_lazy("bảng kết quả thực hiện bộ tiêu chí"),
        ("ket qua thuc hien bo tieu chi",),
        frozenset({"ma xa", "so tieu chi dat", "tong so tieu chi dat", "xep loai"}),
        criteria=True,
    ),
    Kind(
        gettext_lazy("báo cáo định kỳ kết quả giúp đỡ các xã"),
        ("bao cao ket qua giup do", "tong hop ket qua giup do"),
        frozenset(
            {
                "chuyen cong tac",
                "ho tro quy ra tien",
                "so xa duoc giup do",
                "so chuyen cong tac",
                "tong ho tro",
                "kien nghi",
                "kien nghi chua giai quyet",
                "kien nghi da giai quyet",
                "chua giai quyet",
                "da giai quyet",
                "tieu chi dat binh quan xa dau ky",
                "tieu chi dat binh quan xa cuoi ky",
                "tong so",
                "lanh dao truc tiep di",
                "tien",
                "hien vat",
                "ngay cong",
                "chuyen giao khoa hoc ky thuat",
            }
        ),
    ),
    Kind(
        gettext_lazy("nhật ký chuyến công tác"),
        (
            "nhat ky chuyen cong tac",
            "cac khoan ho tro qua chuyen cong tac",
            "kien nghi qua chuyen cong tac",
        ),
        VISIT_COLUMNS,
    ),
    Kind(
        gettext_lazy("danh sách chuyến công tác tải từ trang Chuyến công tác"),
        ("chuyen cong tac",),
        VISIT_COLUMNS,
    ),
    Kind(
        gettext_lazy("danh sách xã tải từ trang Danh sách xã"),
        ("danh sach xa",),
        frozenset(
            {
                "loai",
                "muc dat chuan",
                "muc cao nhat",  # today's map: "Mức cao nhất (đơn vị và xã cũ)"
                "so tieu chi dat",
                "lan di co so gan nhat",
                "lan di gan nhat",
            }
        ),
    ),
    Kind(
        gettext_lazy("danh sách phân công tải từ trang Phân công"),
        ("phan cong lanh dao giup do xa",),
        frozenset(
            {
                "quyet dinh",
                "trang thai",
                "chuyen nam nay",
                "lan di gan nhat",
                "tong ho tro",
                "kien nghi chua xu ly",
            }
        ),
    ),
)

_TRAILING_NOTE = re.compile(r"\s*\([^()]*\)\s*$")


def _key(value):
    """ "Giá trị hỗ trợ (đồng)" → "gia tri ho tro"; None for anything but short text."""
    if not isinstance(value, str) or len(value) > 80:
        return None
    return folded(_TRAILING_NOTE.sub("", value)) or None


@dataclass
class Found:
    kind: Kind
    sheet: str
    columns: list  # the header cells that gave it away, as the file writes them

    def error(self):
        shown = ", ".join(self.columns[:SHOWN_COLUMNS])
        if len(self.columns) > SHOWN_COLUMNS:
            shown += " …"
        return ImportFileError(
            _(
                "Tệp này là %(kind)s (trang “%(sheet)s”: cột %(columns)s), không phải phụ "
                "lục phân công: cần các cột Họ và tên, Chức vụ, Cơ quan, Xã."
            )
            % {"kind": self.kind.label, "sheet": self.sheet, "columns": shown}
        )


def recognise(grid, header_row=None):
    """Found when sheet `grid` is of another kind than an annex; None otherwise.

    `header_row` is the row of the annex header found on the sheet, if any; without
    one, the first SEARCH_ROWS rows are looked through for another kind's header.
    """
    rows = [header_row] if header_row else range(1, min(grid.max_row, SEARCH_ROWS) + 1)
    best = None
    for row in rows:
        found = _at(grid, row, BESIDE_AN_ANNEX_HEADER if header_row else THRESHOLD)
        if found is not None and (best is None or found[0] > best[0]):
            best = found
    return best[1] if best else None


def _at(grid, row, needed):
    cells = _header_cells(grid, row)
    titles = [
        key
        for above in range(max(1, row - TITLE_ROWS), row)
        if (key := _key(next((v for v in grid.row(above) if isinstance(v, str)), None)))
    ]
    best = None
    for kind in KINDS:
        columns = [
            value
            for key, value in cells
            if key in kind.headers or (kind.criteria and criterion_number(value))
        ]
        columns = list(dict.fromkeys(columns))
        titled = any(_titled(line, kind) for line in titles)
        if len(columns) < (THRESHOLD if titled else needed):
            continue
        score = (titled, len(columns))
        if best is None or score > best[0]:
            best = (score, Found(kind, grid.title, columns))
    return best


def _titled(line, kind):
    return any(line == title or line.startswith(title + " ") for title in kind.titles)


def _header_cells(grid, row):
    """(key, text) of the header cells of `row`, and of the row below when it is a header too."""
    cells = [(k, v) for v in grid.row(row) if (k := _key(v))]
    below = [v for v in grid.row(row + 1) if v is not None]
    if below and all(isinstance(v, str) for v in below):
        cells += [(k, v) for v in below if (k := _key(v))]
    return cells
