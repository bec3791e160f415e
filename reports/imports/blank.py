"""Blank workbooks the office fills in and imports: the annex and the criteria matrix.

Written with the exports' toolkit (core/excel/writer.py), so they print like
the reports and hold no formula; the importers read them back as they are.
"""

from communes.models import Commune, Criterion
from core.excel import writer

from ..excel import annex as annex_export
from ..excel import matrix as matrix_export


def annex_template(today):
    workbook = writer.new_workbook()
    sheet = writer.Sheet(workbook, "Phu luc", annex_export.WIDTHS, freeze_columns=0)
    sheet.title_block(
        [writer.PROVINCE],
        [
            "PHỤ LỤC",
            "DANH SÁCH PHÂN CÔNG LÃNH ĐẠO CÁC CƠ QUAN, ĐƠN VỊ, DOANH NGHIỆP GIÚP ĐỠ CÁC XÃ "
            "XÂY DỰNG NÔNG THÔN MỚI",
        ],
        [
            "(Kèm theo Quyết định số      /QĐ-UBND ngày    tháng    năm      "
            "của UBND tỉnh Lào Cai)",
            "Mỗi xã một dòng. Trước các xã của mỗi huyện ghi một dòng huyện, ví dụ "
            "“I. HUYỆN BÁT XÁT”.",
        ],
    )
    sheet.header(annex_export.HEADINGS)
    return workbook


def template_communes(year):
    """The programme's communes that still existed in `year`, as the export orders them."""
    communes = Commune.objects.filter(valid_to__isnull=True) | Commune.objects.filter(
        valid_to__year__gte=year
    )
    return matrix_export.matrix_communes(communes)


def matrix_template(year, today):
    """The matrix layout of `year` with every commune listed and every criterion cell empty."""
    criteria = list(Criterion.objects.programme().order_by("number"))
    workbook = writer.new_workbook()
    widths = [5, 8, 18] + [5] * len(criteria) + [9]
    sheet = writer.Sheet(
        workbook,
        matrix_export.sheet_name(year),
        widths,
        freeze=f"D{matrix_export.FIRST_DATA_ROW}",
    )
    sheet.title_block(
        [writer.PROVINCE, writer.OFFICE],
        [f"KẾT QUẢ THỰC HIỆN BỘ TIÊU CHÍ XÃ NÔNG THÔN MỚI NĂM {year}"],
        ["(Bộ tiêu chí theo Quyết định 318/QĐ-TTg ngày 08/03/2022)"],
    )
    sheet.header(
        ["STT", "Mã xã", "Tên xã", *(f"TC{c.number}" for c in criteria), "Số tiêu chí đạt"],
        [None, None, None, *(c.name for c in criteria), None],
        heights=(None, 150),
    )
    empty = [None] * (len(criteria) + 1)
    district_id = object()
    for stt, commune in enumerate(template_communes(year), start=1):
        if commune.district_id != district_id:
            district_id = commune.district_id
            sheet.group(commune.district.name if commune.district else "", at=3, merge=False)
        sheet.append(
            [stt, commune.code, commune.name, *empty],
            styles=[writer.CENTER, writer.CENTER, *[None] * (len(empty) + 1)],
        )
    sheet.signature(today)
    return workbook
