"""The confirm plans from the rows the preview read (reports/imports/replay.py): the same
rows as parsing the file, the same cells written, and a record that is not what its name
says is never used."""

import datetime
import io

import openpyxl
import pytest

from communes.models import Assessment
from reports.imports import files, replay, service
from reports.models import ImportBatch

from .import_workbooks import edited, matrix_bytes, matrix_cells, save, upload

pytestmark = pytest.mark.django_db
YEAR = 2025


def varied_workbook():
    """Two sheets with every kind of value a cell gives back, a merged range and a formula
    without a cached value."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Tieu chi"
    sheet.append(["STT", "Mã xã", "Tên xã", "TC1", "Ngày", "Giờ", "Tỉ lệ"])
    sheet.append([1, "00001", "Xã  A Mú  Sung", "Đạt", datetime.datetime(2025, 3, 1, 8, 30),
                  datetime.time(7, 15), 87.5])  # fmt: skip
    sheet.append([2, "00002", 'Xã "Bản" Phố, Bắc Hà', True, None, None, 0])
    sheet.append(["Cộng", None, None, '=COUNTIF(D2:D3,"Đạt")'])
    sheet.merge_cells("A5:C6")
    sheet["A5"] = "Ghi chú gộp ô"
    sheet["E5"] = -12345678901234
    other = book.create_sheet("Chi tieu")
    other.append(["Mã xã", "1.1", "1.2"])
    other.append(["00001", "85,5", "x"])
    return save(book)


def parsed(data):
    with files.open_workbook(data) as book:
        return {title: list(book.rows(title)) for title in book.titles}


def test_replayed_rows_are_the_rows_parsed_from_the_file():
    data = varied_workbook()
    with files.open_workbook(data) as book:
        recorder = replay.Recorder(book)
        first = list(recorder.rows("Tieu chi"))
        half = recorder.rows("Chi tieu")
        next(half)  # the preview stopped reading this sheet after one row
        record = recorder.record()

    replayed = replay.Replay(record, opened=lambda: pytest.fail("the file was parsed again"))
    expected = parsed(data)
    assert replayed.titles == ["Tieu chi", "Chi tieu"]
    assert first == expected["Tieu chi"]
    assert list(replayed.rows("Tieu chi")) == expected["Tieu chi"]
    # A sheet read in part is recorded to its last row.
    assert list(replayed.rows("Chi tieu")) == expected["Chi tieu"]
    # What the record holds, as the plans read it.
    rows = expected["Tieu chi"]
    assert rows[1].values[2] == "Xã A Mú Sung"
    assert rows[1].values[4] == datetime.datetime(2025, 3, 1, 8, 30)
    assert rows[1].values[5] == datetime.time(7, 15)
    assert rows[2].values[3] is True and rows[2].values[6] == 0
    assert rows[3].formulas_without_value == frozenset({4})
    assert rows[5].continued == frozenset({1, 2, 3}) and rows[4].merged_from == {2: 1, 3: 1}


def test_a_sheet_the_preview_did_not_read_is_parsed_from_the_file():
    data = varied_workbook()
    with files.open_workbook(data) as book:
        recorder = replay.Recorder(book)
        list(recorder.rows("Tieu chi"))
        record = recorder.record()

    with files.open_workbook(data) as book:
        replayed = replay.Replay(record, opened=lambda: book)
        assert list(replayed.rows("Chi tieu")) == parsed(data)["Chi tieu"]


def three_changes():
    exported = matrix_bytes(YEAR)
    cells = matrix_cells(exported)
    unmet = [
        (a.commune.code, a.criterion.number)
        for a in Assessment.objects.filter(year=YEAR, met=False).select_related(
            "commune", "criterion"
        )[:3]
    ]
    return edited(exported, {cells[key]: "Đạt" for key in unmet}), unmet


def met_of(keys):
    return [
        Assessment.objects.get(commune__code=code, criterion__number=number, year=YEAR).met
        for code, number in keys
    ]


def test_the_confirm_plans_from_the_record_without_parsing_the_file(office_user, monkeypatch):
    data, keys = three_changes()
    batch, plan = service.preview("matrix", upload(data, "tieu-chi.xlsx"), YEAR, office_user)
    assert batch.stored_rows and replay.usable(batch.stored_rows.read(), batch.stored_rows.name)
    assert plan.updated == 3

    def parse_again(*args):
        raise AssertionError("the confirm parsed the workbook again")

    monkeypatch.setattr(files.Workbook, "rows", parse_again)
    batch, written = service.apply(batch, office_user)

    assert written and met_of(keys) == [True, True, True]
    assert (batch.updated_count, batch.error_count) == (3, 0)
    assert not batch.stored_file and not batch.stored_rows  # both released


def test_a_record_that_is_not_what_its_name_says_is_not_used(office_user, monkeypatch):
    data, keys = three_changes()
    batch, _plan = service.preview("matrix", upload(data, "tieu-chi.xlsx"), YEAR, office_user)
    # Someone rewrites the record on disk: its rows now say nothing changed.
    with files.open_workbook(matrix_bytes(YEAR)) as book:
        recorder = replay.Recorder(book)
        for title in book.titles:
            list(recorder.rows(title))
        forged = recorder.record()
    storage, name = batch.stored_rows.storage, batch.stored_rows.name
    storage.delete(name)
    storage.save(name, io.BytesIO(forged))

    batch, written = service.apply(batch, office_user)

    # The file was parsed again: the three cells it changes are written.
    assert written and met_of(keys) == [True, True, True]


def test_cancelling_releases_the_record_with_the_file(
    office_user, django_capture_on_commit_callbacks
):
    data, _keys = three_changes()
    batch, _plan = service.preview("matrix", upload(data, "tieu-chi.xlsx"), YEAR, office_user)
    storage = batch.stored_rows.storage
    names = [batch.stored_file.name, batch.stored_rows.name]

    with django_capture_on_commit_callbacks(execute=True):
        service.cancel(batch, office_user)

    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.CANCELLED
    assert not batch.stored_rows and not any(storage.exists(name) for name in names)
