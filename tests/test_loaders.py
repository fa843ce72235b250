"""Reading files: good ones load, bad ones fail with a message that names the file."""

import io

import pytest
from conftest import make_pdf
from pypdf import PdfReader, PdfWriter

from reportbot.documents.loaders import LoadError, load_pages


def test_pdf_is_read_page_by_page(tmp_path):
    path = tmp_path / "r.pdf"
    path.write_bytes(make_pdf(["Revenue grew 12 percent", "Risks: competition"]))
    pages = load_pages(path)
    assert [p.number for p in pages] == [1, 2]
    assert "Revenue grew 12 percent" in pages[0].text
    assert "competition" in pages[1].text


@pytest.mark.parametrize(
    "name, data, reason",
    [
        ("empty.txt", b"", "empty"),
        ("blank.md", b"  \n\n", "empty"),
        ("gbk.txt", "行业评级：推荐".encode("gbk"), "UTF-8"),
        ("fake.pdf", b"this is not a pdf at all", "not a PDF"),
        ("broken.pdf", b"%PDF-1.4\n1 0 obj garbage", "PDF"),
        ("notes.docx", b"PK\x03\x04", "unsupported"),
    ],
)
def test_bad_files_get_a_clear_error(tmp_path, name, data, reason):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(LoadError) as err:
        load_pages(path)
    assert name in str(err.value)
    assert reason in str(err.value)


def test_encrypted_pdf_is_refused_clearly(tmp_path):
    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(make_pdf(["secret"]))).pages:
        writer.add_page(page)
    writer.encrypt("a-password")
    path = tmp_path / "locked.pdf"
    with open(path, "wb") as fh:
        writer.write(fh)
    with pytest.raises(LoadError) as err:
        load_pages(path)
    assert "locked.pdf" in str(err.value) and "encrypted" in str(err.value)


def test_radical_code_points_from_pdf_extraction_are_repaired():
    from reportbot.documents.loaders import fix_radicals

    assert fix_radicals("⾏业评级 同⽐增⻓ 数据中⼼") == "行业评级 同比增长 数据中心"
    assert fix_radicals("行业评级：推荐，（正常）") == "行业评级：推荐，（正常）"
