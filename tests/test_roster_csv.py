import pytest

from coachtui.cli.main import main
from coachtui.roster import csv_import, staff
from coachtui.store.models import Site, Staff


def write(tmp_path, text, name="staff.csv", encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def count():
    return Staff.select().count(), Site.select().count()


@pytest.mark.parametrize("header", [
    "First name,Last name,Email", "Forename,Surname,E-mail", "Given Name,Family Name,Email Address",
    "FIRST_NAME,SURNAME,Work Email",
])
def test_header_variants(store, tmp_path, header):
    p = write(tmp_path, f"{header}\nAnn,Lee,ann@x.org\n")
    report = csv_import.import_file(p)
    assert [n for _, n in report.created] == ["Ann Lee"]
    assert Staff.get(Staff.email == "ann@x.org").name == "Ann Lee"


def test_full_name_semicolons_bom_and_fields(store, tmp_path):
    text = "\ufeffStaff Name;Job Title;School;Department;Staff ID\nZoë O'Neil;Instructional Coach;North;Maths;S1\n" \
           "Tom Ng;Teacher;North;Science;S2\nHead Person;Headteacher;South;;S3\n"
    report = csv_import.import_file(write(tmp_path, text))
    assert len(report.created) == 3
    zoe = Staff.get(Staff.external_id == "S1")
    assert zoe.name == "Zoë O'Neil" and zoe.role_list == ["coach"] and zoe.team == "Maths"
    assert Staff.get(Staff.external_id == "S3").role_list == ["leader"]
    assert {s.name for s in staff.sites()} == {"North", "South"}


def test_excel_windows_1252(store, tmp_path):
    p = write(tmp_path, "First name,Last name\nSeán,Zoë\n", encoding="cp1252")
    csv_import.import_file(p)
    assert Staff.get().name == "Seán Zoë"


def test_reimport_updates_not_duplicates(store, tmp_path):
    p = write(tmp_path, "Name,Email,Department\nAnn Lee,ann@x.org,Maths\nBo Yu,bo@x.org,Art\n")
    csv_import.import_file(p)
    p2 = write(tmp_path, "Name,Email,Department\nAnn Lee,ANN@x.org,Science\nBo Yu,bo@x.org,Art\n", "v2.csv")
    report = csv_import.import_file(p2)
    assert Staff.select().count() == 2
    assert [n for n, _ in report.updated] == [2] and [n for n, _ in report.unchanged] == [3]
    assert Staff.get(Staff.name == "Ann Lee").team == "Science"


def test_coach_resolved_by_email_even_on_a_later_line(store, tmp_path):
    text = "Name,Email,Role,Coach\nTia,tia@x.org,teacher,cal@x.org\nCal,cal@x.org,Coach,\nUma,,teacher,Tia\n"
    report = csv_import.import_file(write(tmp_path, text))
    assert Staff.get(Staff.name == "Tia").coach_id == Staff.get(Staff.name == "Cal").id
    assert Staff.get(Staff.name == "Uma").coach_id is None  # Tia is not a coach
    assert any(n == 4 and "not a coach" in why for n, why in report.warnings)


def test_skips_and_warnings_have_line_numbers(store, tmp_path):
    text = "First name,Last name,Email,Support\nAnn,Lee,not-an-email,support\n,,,\n ,,x@y.org,\nBo,Yu,bo@x.org,weekly?\n" \
           "Bo,Yu,bo@x.org,\n"
    report = csv_import.import_file(write(tmp_path, text))
    assert (4, "no name") in report.skipped
    assert (6, "same person as line 5") in report.skipped
    assert any(n == 2 and "not an email" in why for n, why in report.warnings)
    assert any(n == 5 and "support level" in why for n, why in report.warnings)
    assert Staff.get(Staff.name == "Ann Lee").email == ""


def test_odd_characters_kept_exactly(store, tmp_path):
    csv_import.import_file(write(tmp_path, 'Name\n"[bold]Dr [Ann][/] ""Q"", Esq."\n'))
    assert Staff.get().name == '[bold]Dr [Ann][/] "Q", Esq.'


@pytest.mark.parametrize("content,message", [
    (b"", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", "binary"),
    (b"Colour,Size\nred,9\n", "no name column"),
])
def test_bad_files_change_nothing(store, tmp_path, content, message):
    staff.save(name="Existing")
    before = count()
    p = tmp_path / "bad.csv"
    p.write_bytes(content)
    with pytest.raises(csv_import.CsvError, match=message):
        csv_import.import_file(p)
    assert count() == before


def test_directory_and_missing_file(store, tmp_path):
    with pytest.raises(csv_import.CsvError, match="folder"):
        csv_import.import_file(tmp_path)
    with pytest.raises(csv_import.CsvError, match="no such file"):
        csv_import.import_file(tmp_path / "nope.csv")


def test_dry_run_changes_nothing_and_leaves_no_undo(store, tmp_path):
    from coachtui.store import write as w

    w.clear_history()
    report = csv_import.import_file(write(tmp_path, "Name,School\nAnn,North\n"), dry_run=True)
    assert len(report.created) == 1 and not report.applied
    assert count() == (0, 0)
    assert w.undo_label() is None


def test_import_is_one_undo_step(store, tmp_path):
    from coachtui.store import write as w

    csv_import.import_file(write(tmp_path, "Name\nA\nB\nC\n"))
    w.undo()
    assert Staff.select().where(Staff.live()).count() == 0


def test_cli_reports_and_fails_cleanly(tmp_path, capsys):
    p = write(tmp_path, "Name\nAnn\n\nBo\n")
    d = str(tmp_path / "d")
    assert main(["roster", "import", str(p), "--data-dir", d]) == 0
    assert "2 new" in capsys.readouterr().out
    assert main(["roster", "import", str(tmp_path / "missing.csv"), "--data-dir", d]) == 1
    err = capsys.readouterr().err
    assert err.startswith("coachtui: no such file") and err.count("\n") == 1
