"""Uploads: the real type by content, size, the virus scan (with a stub clamd and without), storage and download."""

import os
import socket
import struct
import threading
from datetime import date

import pytest

from grantsfund.common.actor import Actor
from grantsfund.common.errors import DomainError
from grantsfund.organisations import filetypes, services, storage
from grantsfund.organisations.models import DocumentKind, ScanStatus
from grantsfund.organisations.scanning import ClamdScanner, NoScanner, ScanFailed, parse_reply
from tests.conftest import error_messages, page
from tests.organisations import factories, files


@pytest.mark.parametrize("kind", sorted(files.ALLOWED))
def test_every_allowed_type_is_recognised_by_its_content(kind):
    _, make, content_type = files.ALLOWED[kind]
    assert filetypes.detect(make()).content_type == content_type


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (files.windows_exe(), "The selected file is a program, not a document"),
        (files.linux_elf(), "The selected file is a program, not a document"),
        (b"#!/bin/sh\nrm -rf /\n", "The selected file is a program, not a document"),
        (files.plain_zip(), "The selected file is a zip archive, not a document"),
        (files.html(), "The selected file must be a PDF, Word document (DOCX)"),
        (b"PK\x03\x04 not really a zip", "The selected file is damaged or is not a document"),
        (b"", "The selected file is empty"),
    ],
    ids=["exe", "elf", "script", "zip", "html", "broken-zip", "empty"],
)
def test_disguised_and_unknown_files_are_refused_with_a_reason(data, message):
    with pytest.raises(DomainError) as refused:
        filetypes.detect(data)
    assert refused.value.message.startswith(message)
    assert refused.value.field == "file"


def test_a_zip_with_word_parts_but_no_content_types_is_not_a_docx():
    fake = files._zip({"word/document.xml": b"<w/>"})
    with pytest.raises(DomainError, match="zip archive"):
        filetypes.detect(fake)


def test_safe_download_names():
    assert storage.safe_filename("../../etc/passwd.pdf", "pdf") == "passwd.pdf"
    assert storage.safe_filename("C:\\Users\\me\\Año 2024 accounts.exe", "pdf") == "Ano-2024-accounts.pdf"
    assert storage.safe_filename('"; rm -rf.pdf', "pdf") == "rm--rf.pdf"
    assert storage.safe_filename("", "png") == "document.png"


class StubClamd:
    """A tiny clamd: speaks INSTREAM on a unix socket; FOUND for EICAR, OK for anything else."""

    def __init__(self, path):
        self.path = str(path)
        self.received = []
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(self.path)
        self.server.listen(5)
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _read_exactly(self, connection, size):
        data = b""
        while len(data) < size:
            part = connection.recv(size - len(data))
            if not part:
                raise ConnectionError
            data += part
        return data

    def _serve(self):
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            with connection:
                assert self._read_exactly(connection, 10) == b"zINSTREAM\0"
                body = b""
                while True:
                    (length,) = struct.unpack("!L", self._read_exactly(connection, 4))
                    if length == 0:
                        break
                    body += self._read_exactly(connection, length)
                self.received.append(body)
                found = files.EICAR in body
                connection.sendall(b"stream: Eicar-Test-Signature FOUND\0" if found else b"stream: OK\0")

    def close(self):
        self.server.close()


@pytest.fixture
def clamd(tmp_path):
    daemon = StubClamd(tmp_path / "clamd.sock")
    yield daemon
    daemon.close()


def test_clamd_finds_eicar_and_passes_clean_files(clamd):
    scanner = ClamdScanner(clamd.path)
    assert scanner.scan(files.EICAR).threat == "Eicar-Test-Signature"
    big = files.pdf() + os.urandom(200_000)  # several INSTREAM chunks
    result = scanner.scan(big)
    assert (result.status, result.infected) == (ScanStatus.CLEAN, False)
    assert clamd.received[-1] == big


def test_no_scanner_records_not_scanned():
    assert NoScanner().scan(files.EICAR).status is ScanStatus.NOT_SCANNED


def test_an_unreachable_or_confused_clamd_is_a_failure_not_a_pass(tmp_path):
    with pytest.raises(ScanFailed):
        ClamdScanner(str(tmp_path / "nothing-here.sock"), timeout=1).scan(b"x")
    with pytest.raises(ScanFailed):
        parse_reply(b"INSTREAM size limit exceeded. ERROR\0")


@pytest.fixture
def group(applicant_client):
    return factories.organisation(applicant_client.user)


def upload(client, group, data, filename, kind="governing_document", dated=("", "", "")):
    import io

    return client.post(
        f"/organisations/{group.id}/documents/new",
        data={
            "csrf_token": client.csrf_token(),
            "kind": kind,
            "dated": list(dated),
            "file": (io.BytesIO(data), filename),
        },
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize("kind", sorted(files.ALLOWED))
def test_uploading_each_allowed_type_over_http(applicant_client, group, app, kind):
    filename, make, content_type = files.ALLOWED[kind]
    data = make()
    response = upload(applicant_client, group, data, filename)
    assert response.status_code == 302, error_messages(response)
    [document] = services.get_organisation(group.id).documents
    assert document.content_type == content_type
    assert document.scan_status is ScanStatus.NOT_SCANNED
    stored = storage.path_of(app.config["UPLOAD_DIR"], document.stored_name)
    assert stored.read_bytes() == data
    assert "static" not in stored.parts

    download = applicant_client.get(f"/organisations/{group.id}/documents/{document.id}")
    assert download.status_code == 200
    assert download.data == data
    assert download.headers["Content-Type"].startswith(content_type)
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert document.filename in disposition
    assert download.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (files.windows_exe(), "accounts.pdf", "The selected file is a program, not a document"),
        (files.linux_elf(), "accounts.pdf", "The selected file is a program, not a document"),
        (files.plain_zip(), "constitution.docx", "The selected file is a zip archive, not a document"),
        (files.html(), "photo.png", "The selected file must be a PDF"),
    ],
    ids=["exe-as-pdf", "elf-as-pdf", "zip-as-docx", "html-as-png"],
)
def test_disguised_files_are_refused_over_http_and_the_choices_kept(applicant_client, group, data, filename, message):
    response = upload(applicant_client, group, data, filename, kind="bank_statement", dated=("1", "2", "2026"))
    assert response.status_code == 200
    [error] = error_messages(response)
    assert error.startswith(message)
    assert page(response).select_one("input[name=kind][value=bank_statement]").has_attr("checked")
    assert services.get_organisation(group.id).documents == []


def test_too_big_a_file_is_refused_by_the_service(group, app, monkeypatch):
    # Called directly: the test client spools bodies over 500KB to a temporary file it never closes.
    monkeypatch.setitem(app.config, "UPLOAD_MAX_MB", 1)
    with pytest.raises(DomainError, match="The selected file must be smaller than 1MB"):
        services.upload_document(
            group,
            kind=DocumentKind.GOVERNING_DOCUMENT,
            filename="big.pdf",
            data=files.pdf() + b"0" * (1024 * 1024),
            dated=None,
            actor=Actor.system(),
        )


def test_a_body_beyond_max_content_length_gets_the_413_page(applicant_client, group, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024)
    body = b'--x\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n\r\n' + b"0" * 4096
    response = applicant_client.post(
        f"/organisations/{group.id}/documents/new", data=body, content_type="multipart/form-data; boundary=x"
    )
    assert response.status_code == 413
    assert page(response).h1.get_text(strip=True) == "The file is too big"


def test_no_file_chosen(applicant_client, group):
    response = applicant_client.submit(f"/organisations/{group.id}/documents/new", {"kind": "accounts"})
    assert error_messages(response) == ["Select a file"]


def test_with_clamd_an_infected_upload_is_refused_and_a_clean_one_marked_clean(
    applicant_client, group, app, clamd, monkeypatch
):
    monkeypatch.setitem(app.config, "CLAMD_SOCKET", clamd.path)
    infected = files.pdf() + files.EICAR
    response = upload(applicant_client, group, infected, "accounts.pdf")
    assert error_messages(response) == [
        "The selected file contains a virus. Check your computer, then try a clean copy"
    ]
    assert services.get_organisation(group.id).documents == []

    response = upload(applicant_client, group, files.pdf(), "accounts.pdf")
    assert response.status_code == 302
    [document] = services.get_organisation(group.id).documents
    assert document.scan_status is ScanStatus.CLEAN


def test_when_clamd_is_down_the_upload_is_refused(applicant_client, group, app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "CLAMD_SOCKET", str(tmp_path / "down.sock"))
    response = upload(applicant_client, group, files.pdf(), "accounts.pdf")
    assert error_messages(response) == ["We could not check the file for viruses. Try again later"]


class TestDocumentDates:
    def test_accounts_need_a_year_end_that_is_not_in_the_future(self, applicant_client, group):
        response = upload(applicant_client, group, files.pdf(), "a.pdf", kind="accounts")
        assert error_messages(response) == ["Enter the financial year end date"]
        response = upload(applicant_client, group, files.pdf(), "a.pdf", kind="accounts", dated=("31", "3", "2999"))
        assert error_messages(response) == ["The financial year end date must be today or in the past"]

    def test_a_date_that_does_not_exist_is_explained_and_kept(self, applicant_client, group):
        response = upload(applicant_client, group, files.pdf(), "a.pdf", kind="accounts", dated=("31", "2", "2025"))
        assert error_messages(response) == ["Date on the document must be a real date, like 31 3 2025"]
        assert page(response).select_one("#dated-day")["value"] == "31"

    def test_the_service_refuses_a_policy_without_a_review_date(self, group, app):
        with pytest.raises(DomainError, match="Enter the next review date"):
            services.upload_document(
                group,
                kind=DocumentKind.EQUALITY_POLICY,
                filename="p.pdf",
                data=files.pdf(),
                dated=None,
                actor=Actor.system(),
            )

    def test_a_governing_document_keeps_no_date(self, group):
        document = services.upload_document(
            group,
            kind=DocumentKind.GOVERNING_DOCUMENT,
            filename="c.pdf",
            data=files.pdf(),
            dated=date(2020, 1, 1),
            actor=Actor.system(),
        )
        assert document.dated is None
