"""An import's preview as lines of text, for `manage.py import_excel` (the pages show the same
plan as a table: templates/reports/import_preview.html and the kinds' row templates)."""

from core.formats import day

from ..models import ImportBatch
from . import terms
from .criteria_set import DELETE
from .plan import ERROR

LABELS = {"create": "THÊM MỚI", "update": "CẬP NHẬT", "unchanged": "KHÔNG ĐỔI", DELETE: "XOÁ"}
MET = {None: "chưa đánh giá", True: "Đạt", False: "Chưa đạt"}
NEW_MET = {None: "?", True: "Đạt", False: "Chưa đạt"}


def lines(batch, plan):
    """(text, is_error) of the preview: what the file is, the counts, then each row, errors
    first."""
    yield f"Lần nhập #{batch.pk}: {batch.get_kind_display()} – {batch.target_label}", False
    for line in _about(plan, batch):
        yield line, False
    updated = f"cập nhật {plan.updated}"
    if plan.kind == ImportBatch.Kind.INDICATORS and plan.deleted:
        updated += f" (gồm {plan.deleted} chỉ tiêu bị xoá)"
    yield (
        f"Thêm mới {plan.created}, {updated}, không đổi {plan.unchanged}, lỗi {plan.errors}.",
        False,
    )
    for row in plan.for_display():
        if row.action == ERROR:
            yield "; ".join(row.errors), True
            if getattr(row, "choice", None) is not None and row.choice.picked is None:
                yield pick_hint(row, plan.reference), False
            continue
        line = f"Dòng {row.row or '–':>4}  {LABELS[row.action]:<10}  {_row(plan.kind, row)}"
        for note in row.notes:
            line += f"  ({note})"
        yield line, False


def _about(plan, batch):
    if plan.kind == ImportBatch.Kind.ANNEX:
        yield terms.of(batch).describe(batch.decision)
        yield plan.reference.describe_scope()
    elif plan.kind == ImportBatch.Kind.MATRIX:
        yield f"Đọc {plan.extra['communes']} dòng xã."
    elif plan.kind == ImportBatch.Kind.GROUPS:
        if plan.extra.get("blank"):
            yield f"{plan.extra['blank']} dòng để trống Nhóm: giữ nguyên nhóm đang có."
    elif plan.kind == ImportBatch.Kind.INDICATORS:
        yield f"Tệp thay toàn bộ chỉ tiêu của “{plan.criteria_set}”."
        if plan.deleted:
            yield (
                f"{plan.deleted} chỉ tiêu của bộ không có trong tệp sẽ bị xoá "
                f"({', '.join(plan.removed_codes)})."
            )


def _row(kind, row):
    if kind == ImportBatch.Kind.ANNEX:
        where = f"{row.commune} ({row.district})" if row.district else row.commune
        line = f"{where}: {row.leader}, {row.position} – {row.agency}"
        if row.previous:
            line += f"  [thay cho {row.previous}]"
        if row.starts:
            line += f"  từ {day(row.starts)}"
        return line
    if kind == ImportBatch.Kind.GROUPS:
        before = row.previous or "chưa xếp nhóm"
        return f"{row.commune} (mã {row.district}): {before} → {row.target['after']}"
    if kind == ImportBatch.Kind.INDICATORS:
        return _indicator(row)
    return f"{row.column} {row.commune}, {row.criterion}: {MET[row.old]} → {NEW_MET[row.new]}"


def _indicator(row):
    line = f"Chỉ tiêu {row.code} {row.name}"
    if row.action == DELETE:
        return line + ": không có trong tệp, bị xoá khỏi bộ cùng các yêu cầu"
    if row.unit:
        line += f" ({row.unit})"
    needs = [_need(need) for need in row.needs if need is not None]
    if needs:
        line += ": " + "; ".join(needs)
    if row.changes:
        line += f"  [thay đổi: {'; '.join(map(str, row.changes))}]"
    return line


def _need(need):
    text = need.text or "–"
    if need.comparison:
        text += f" ({need.symbol} {need.shown_target})"
    return text if need.group is None else f"nhóm {need.group}: {text}"


def pick_hint(row, reference):
    """How to pick the row's commune: --choose ROW=CODE with the closest communes' codes."""
    near = ", ".join(
        f"{row.row}={c.code} ({c.name}, {reference.place(c)})"
        if c.district_id
        else f"{row.row}={c.code} ({reference.label(c)})"
        for c in row.choice.candidates
    )
    return f"           chọn xã bằng --choose {row.row}=MÃ_XÃ" + (
        f"; gần giống: {near}" if near else ""
    )
