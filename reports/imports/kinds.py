"""Workbooks of another kind uploaded to an import page, recognised by their header and title.

The portal's own files (the visit log, the criteria matrix and its blank, the
periodic report, the lists' Excel downloads, the templates of the other imports)
and files laid out like them hold columns the page's file never has: "Ngày",
"Mục đích", "Kiến nghị", "TC1" … "TC19", "Mức đạt chuẩn", "Nhóm" and "Căn cứ" (commune
groups), "Số chỉ tiêu" and "Mức đạt nhóm 1" (a criteria set's indicators), "Họ và tên"
and "Chức vụ" (an annex). A sheet whose header row holds three or more of one kind's
columns (two under the kind's title, or when the sheet has no header of the page's
kind at all) is of that kind, whatever the file is called; the title above the header
("NHẬT KÝ CHUYẾN CÔNG TÁC …") also tells two kinds with the same columns apart. The
importer refuses such a file with one sentence naming what it is and what the page
needs (a Page: the annex's, the commune groups'), instead of reading its rows.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .files import ImportFileError
from .matrix import criterion_number
from .names import folded

# Columns of one kind that make a sheet that kind (the page's file has none of them): two
# under the kind's title or on a sheet without the page's header, three beside that header.
THRESHOLD = 2
BESIDE_THE_PAGES_HEADER = 3
# How far down a sheet without the page's header the header of another kind is looked for.
SEARCH_ROWS = 30
TITLE_ROWS = 10
SHOWN_COLUMNS = 4


@dataclass(frozen=True)
class Kind:
    label: str  # what the file is, inside a sentence
    titles: tuple  # accent-free title lines (a title line is one of these, or starts with it)
    headers: frozenset  # accent-free header cells typical of the kind
    criteria: bool = False  # "TC1" … "TC19", "Chỉ tiêu 2.1" columns count as the kind's
    imported: str = ""  # the ImportBatch kind the file is; never recognised on its own page


@dataclass(frozen=True)
class Page:
    """An import page: what its file is, and what the file needs (inside a sentence)."""

    imported: str  # ImportBatch kind
    label: str
    needs: str


ANNEX = Page(
    "annex",
    gettext_lazy("phụ lục phân công"),
    gettext_lazy("cần các cột Họ và tên, Chức vụ, Cơ quan, Xã"),
)
GROUPS = Page(
    "groups",
    gettext_lazy("danh sách xếp nhóm xã"),
    gettext_lazy("cần các cột Tên xã (hoặc Mã xã), Nhóm và Căn cứ"),
)


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
# "Yêu cầu nhóm 2", "So sánh nhóm 2", "Mức đạt nhóm 2", and without a group.
INDICATOR_PARTS = ("yeu cau", "so sanh", "muc dat")
INDICATOR_COLUMNS = frozenset(
    {
        "so chi tieu",
        "chi tieu so",
        "ma chi tieu",
        "so hieu chi tieu",
        "noi dung chi tieu",
        "ten chi tieu",
        *INDICATOR_PARTS,
        *(f"{part} nhom {group}" for part in INDICATOR_PARTS for group in (1, 2, 3)),
    }
)
KINDS = (
    Kind(
        gettext_lazy("danh sách xếp nhóm xã"),
        ("danh sach xep nhom xa", "danh sach nhom xa", "xep nhom xa"),
        frozenset({"ten xa", "nhom", "nhom xa", "can cu", "can cu xep nhom", "can cu phan nhom"}),
        imported="groups",
    ),
    Kind(
        gettext_lazy("bảng chỉ tiêu của bộ tiêu chí"),
        ("cac chi tieu cua bo tieu chi",),
        INDICATOR_COLUMNS,
        imported="indicators",
    ),
    Kind(
        gettext_lazy("phụ lục phân công lãnh đạo giúp đỡ xã"),
        ("phu luc",),
        frozenset(
            {
                "ho va ten",
                "ho ten",
                "ho va ten lanh dao",
                "chuc vu",
                "chuc danh",
                "co quan",
                "co quan don vi",
                "ten co quan",
                "xa",
                "xa duoc phan cong",
                "xa phu trach",
                "xa giup do",
            }
        ),
        imported="annex",
    ),
    Kind(
        gettext_lazy("bảng kết quả thực hiện bộ tiêu chí"),
        # and the sheet of its indicators ("Chỉ tiêu 2.1" …) from 2026
        ("ket qua thuc hien bo tieu chi", "ket qua cac chi tieu cua bo tieu chi"),
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
# A matrix's indicator column, folded: "Chỉ tiêu 2.1" → "chi tieu 2 1", "CT 17.8a".
_INDICATOR_COLUMN = re.compile(r"^(?:chi tieu|ct) ?\d{1,2}(?: \d{1,2})+[a-z]?$")


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
    page: Page = ANNEX

    def error(self):
        shown = ", ".join(self.columns[:SHOWN_COLUMNS])
        if len(self.columns) > SHOWN_COLUMNS:
            shown += " …"
        return ImportFileError(
            _(
                "Tệp này là %(kind)s (trang “%(sheet)s”: cột %(columns)s), không phải "
                "%(page)s: %(needs)s."
            )
            % {
                "kind": self.kind.label,
                "sheet": self.sheet,
                "columns": shown,
                "page": self.page.label,
                "needs": self.page.needs,
            }
        )


def recognise(grid, header_row=None, page=ANNEX):
    """Found when sheet `grid` is of another kind than `page`'s file; None otherwise.

    `header_row` is the row of the page's header found on the sheet, if any; without
    one, the first SEARCH_ROWS rows are looked through for another kind's header.
    """
    rows = [header_row] if header_row else range(1, min(grid.max_row, SEARCH_ROWS) + 1)
    best = None
    for row in rows:
        found = _at(grid, row, BESIDE_THE_PAGES_HEADER if header_row else THRESHOLD, page)
        if found is not None and (best is None or found[0] > best[0]):
            best = found
    return best[1] if best else None


def first_readable(grids, find, page, header_row=lambda header: header[0]):
    """(grid, header) of the first sheet `find` finds `page`'s header on (find(grid): the
    header or None; header_row(header): its row) that is not of another kind.

    None when no sheet has the page's header and none is of another kind; when no sheet
    can be read and one is of another kind, ImportFileError saying what it is.
    """
    other = None
    for grid in grids:
        header = find(grid)
        found = recognise(grid, header_row(header) if header else None, page)
        if found is not None:
            other = other or found
            continue
        if header is not None:
            return grid, header
    if other is not None:
        raise other.error()
    return None


def _at(grid, row, needed, page):
    cells = _header_cells(grid, row)
    titles = [
        key
        for above in range(max(1, row - TITLE_ROWS), row)
        if (key := _key(next((v for v in grid.row(above) if isinstance(v, str)), None)))
    ]
    best = None
    for kind in KINDS:
        if kind.imported == page.imported:
            continue
        columns = [
            value
            for key, value in cells
            if key in kind.headers
            or (kind.criteria and (criterion_number(value) or _INDICATOR_COLUMN.match(key)))
        ]
        columns = list(dict.fromkeys(columns))
        titled = any(_titled(line, kind) for line in titles)
        if len(columns) < (THRESHOLD if titled else needed):
            continue
        score = (titled, len(columns))
        if best is None or score > best[0]:
            best = (score, Found(kind, grid.title, columns, page))
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
