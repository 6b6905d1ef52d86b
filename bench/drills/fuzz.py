"""Bad input at scale: thousands of random bodies POSTed to every form of the app, as every role and as nobody;
not one answer may be a server error (5xx).

    scripts/with-postgres.sh .venv/bin/python bench/drills/fuzz.py        (make drill-fuzz)

It runs in one process with Flask's test client on PostgreSQL (no HTTP, so ten thousand requests take a few
minutes on two cores). The database holds the demo data; every URL rule that accepts POST is filled with the ids
of real objects (now and then with ids that do not exist or overflow the column), so the handlers get past their
404s. First each role looks at every page once, to learn the fields of the forms there (names, choices, file
inputs). Then each request picks a rule and a role and sends, most of the time with a valid CSRF token: the form's
fields with random values (choices, huge strings, unicode, control characters and NUL, negative and huge numbers,
dates that do not exist, wrong types), fields left out or repeated, random file uploads, broken multipart bodies,
JSON of random shapes and bytes that are not UTF-8. Prints counts by status and by rule; exits 1 on any 5xx, with
the traceback of each distinct error.
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import tempfile
import time
import traceback
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, got_request_exception
from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict
from werkzeug.routing import AnyConverter, IntegerConverter, Rule

sys.path[:0] = [str(Path(__file__).resolve().parents[2]), str(Path(__file__).resolve().parent)]

from bench.drills.stack import database_url, migrate  # noqa: E402
from bench.drills.visitor import csrf_token, template  # noqa: E402

ROLES = {
    "anonymous": None,
    "applicant": "applicant@example.org",
    "officer": "officer@example.gov.uk",
    "assessor": "assessor@example.gov.uk",
    "panel member": "panel@example.gov.uk",
    "panel chair": "chair@example.gov.uk",
    "finance": "finance@example.gov.uk",
    "administrator": "admin@example.gov.uk",
}
# Where the ids in each URL argument come from.
ARGUMENT_TABLES = {
    "round_id": "rounds",
    "agreement_id": "grant_agreements",
    "application_id": "applications",
    "meeting_id": "panel_meetings",
    "organisation_id": "organisations",
    "return_id": "monitoring_returns",
    "user_id": "users",
    "signpost_id": "signposts",
    "instalment_id": "payment_instalments",
    "fund_id": "funds",
    "question_id": "eligibility_questions",
    "item_id": "panel_items",
    "programme_id": "funder_programmes",
    "funder_id": "funders",
    "plan_id": "sustainability_plans",
    "criterion_id": "criteria",
    "assignment_id": "assessment_assignments",
    "suggestion_id": "signpost_suggestions",
    "evidence_id": "monitoring_return_evidence",
    "message_id": "outbox_messages",
    "join_request_id": "organisation_join_requests",
    "document_id": "organisation_documents",
    "indicator_id": "indicators",
    "theme_id": "themes",
    "request_id": "information_requests",
    "terms_id": "standard_terms",
    "termination_id": "grant_terminations",
}
MISSING_IDS = [0, 999_999, 2**31, 2**63]  # none, or past what an integer or bigint column holds
SIGN_OUT = {"accounts.sign_out", "accounts.turn_off_two_step"}  # would end the role's session: kept but rarer

NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x01\x02\x1f\x7f",
    "\r\n\r\n",
    "\u202e\u200b\ufeff",
    "😀" * 50,
    "ﷺ" * 300,
    "Z\u0351\u0338\u0334" * 100,
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%s%n%x",
    "../../etc/passwd",
    "-1",
    "0",
    "-99999999999999999999",
    "99999999999999999999",
    "1e308",
    "NaN",
    "Infinity",
    "0x10",
    "£1,000.00",
    "1.005",
    "-0.01",
    "31/2/2026",
    "2026-02-30",
    "9999-12-31",
    "0001-01-01",
    "true",
    "null",
    "[]",
    "{}",
    "yes",
    "no",
    "on",
    "someone@example.org",
    "not-an-email@",
    "x" * 5000,
]


@dataclass
class FormSpec:
    """What one form action takes: its fields, the choices seen for each, which fields are files, and the roles
    that were shown it."""

    choices: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    files: set[str] = field(default_factory=set)
    roles: set[str] = field(default_factory=set)


class _Forms(HTMLParser):
    """Every form on a page, by the path it posts to: field names, each field's offered values, file inputs."""

    def __init__(self, page_path: str) -> None:
        super().__init__()
        self.page_path = page_path
        self.forms: dict[str, FormSpec] = defaultdict(FormSpec)
        self._action: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value or "" for key, value in attrs}
        if tag == "form":
            if values.get("method", "get").lower() == "post":
                self._action = urlsplit(values.get("action") or self.page_path).path
            return
        if self._action is None:
            return
        spec, name = self.forms[self._action], values.get("name")
        if tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select:
            spec.choices[self._select].add(values.get("value", ""))
        elif tag in {"input", "textarea", "button"} and name and name != "csrf_token":
            if values.get("type") == "file":
                spec.files.add(name)
            else:
                spec.choices[name].add(values.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._action = None
        elif tag == "select":
            self._select = None


@dataclass
class Person:
    name: str
    client: FlaskClient
    email: str | None
    token: str = ""


@dataclass
class Results:
    statuses: Counter[int] = field(default_factory=Counter)
    by_rule: dict[str, Counter[int]] = field(default_factory=lambda: defaultdict(Counter))
    errors: dict[str, str] = field(default_factory=dict)  # the first traceback of each distinct error
    errors_by_rule: Counter[str] = field(default_factory=Counter)


def build_app(scratch: Path) -> Flask:
    from grantsfund import create_app

    url = database_url()
    migrate(url)
    overrides = {
        "SQLALCHEMY_DATABASE_URI": url,
        "SESSION_COOKIE_SECURE": False,
        "RATELIMIT_ENABLED": False,  # the drill is one client sending thousands of requests
        "PASSWORD_HASH_PROFILE": "CHEAPEST",  # random passwords are hashed by the thousand
        "MAIL_FILE_DIR": str(scratch / "mail"),
        "UPLOAD_DIR": str(scratch / "uploads"),
    }
    app = create_app(overrides, env_name="development")
    with app.app_context():
        seeded = app.test_cli_runner().invoke(args=["demo", "seed"])
        if seeded.exit_code != 0:
            raise SystemExit(f"flask demo seed failed:\n{seeded.output}") from seeded.exception
    return app


def ids_by_table(app: Flask) -> dict[str, list[int]]:
    """The ids in each table an argument names; the role's own people left out of `users`, so the administrator's
    fuzzing cannot take away the roles the other roles' requests need."""
    from sqlalchemy import select, text

    from grantsfund.accounts.models import User
    from grantsfund.extensions import db

    with app.app_context():
        ids = {
            table: list(db.session.scalars(text(f"SELECT id FROM {table} ORDER BY id")))  # noqa: S608 -- our names
            for table in set(ARGUMENT_TABLES.values())
        }
        roles = set(db.session.scalars(select(User.id).where(User.email.in_([e for e in ROLES.values() if e]))))
    ids["users"] = [id_ for id_ in ids["users"] if id_ not in roles]
    return ids


def argument(rule: Rule, name: str, ids: dict[str, list[int]], rng: random.Random, missing: float) -> Any:
    """A value for one URL argument: a real object's id, except with probability `missing`."""
    converter = rule._converters[name]
    if isinstance(converter, AnyConverter):
        return rng.choice(sorted(converter.items))
    if not isinstance(converter, IntegerConverter):
        return "".join(rng.choices("abcdefghijklmnopqrstuvwxyz0123456789-_", k=rng.randint(1, 60)))
    if rng.random() < missing:
        return rng.choice(MISSING_IDS)
    return rng.choice(ids.get(ARGUMENT_TABLES.get(name, ""), []) or [1, 1, 2, 3])


def fill(app: Flask, rule: Rule, ids: dict[str, list[int]], rng: random.Random, missing: float, method: str) -> str:
    values = {name: argument(rule, name, ids, rng, missing) for name in rule.arguments}
    return app.url_map.bind("localhost").build(rule.endpoint, values, method=method)


def sign_in(app: Flask, person: Person) -> None:
    """Put the person in the client's session as a finished sign-in (with its second step) does."""
    from sqlalchemy import select

    from grantsfund.accounts.models import User
    from grantsfund.accounts.second_factor_views import PASSED
    from grantsfund.extensions import db

    if person.email is None:
        page = person.client.get("/sign-in")
    else:
        with app.app_context():
            user = db.session.scalars(select(User).where(User.email == person.email)).one()
            user.disabled_at = None  # the administrator's fuzzing may have disabled them
            db.session.commit()
            user_id = user.get_id()
        with person.client.session_transaction() as session:
            session["_user_id"] = user_id
            session["_fresh"] = True
            session[PASSED] = True
        page = person.client.get("/account/password")
    person.token = csrf_token(page.get_data()) or ""
    if not person.token:
        raise SystemExit(f"no CSRF token on the page for {person.name} ({page.status_code})")


def survey(app: Flask, people: list[Person], ids: dict[str, list[int]], rng: random.Random) -> dict[str, FormSpec]:
    """Look at every page once as each role and note the forms found, by the path template they post to."""
    forms: dict[str, FormSpec] = defaultdict(FormSpec)
    rules = [rule for rule in app.url_map.iter_rules() if "GET" in (rule.methods or set())]
    for person in people:
        sign_in(app, person)
        for rule in rules:
            if rule.endpoint in SIGN_OUT or rule.endpoint == "static":
                continue
            path = fill(app, rule, ids, rng, missing=0, method="GET")
            response = person.client.get(path)
            if response.mimetype != "text/html" or response.status_code != 200:
                continue
            parser = _Forms(path)
            parser.feed(response.get_data(as_text=True))
            for action, spec in parser.forms.items():
                merged = forms[template(action)]
                merged.files |= spec.files
                merged.roles.add(person.name)
                for name, values in spec.choices.items():
                    merged.choices[name] |= values
    return forms


def value(rng: random.Random, choices: set[str]) -> str:
    roll = rng.random()
    if choices and roll < 0.45:
        return rng.choice(sorted(choices))
    if roll < 0.8:
        return rng.choice(NASTY)
    if roll < 0.9:
        return "".join(chr(rng.choice([rng.randint(1, 0x7F), rng.randint(0x80, 0xD7FF)])) for _ in range(50))
    return "y" * rng.choice([1_000, 100_000, 1_000_000])


def fields(rng: random.Random, spec: FormSpec | None, vocabulary: list[str]) -> list[tuple[str, Any]]:
    names = dict(spec.choices) if spec else {}
    if not names or rng.random() < 0.1:
        names.update({name: set() for name in rng.sample(vocabulary, min(len(vocabulary), 6))})
    body: list[tuple[str, Any]] = []
    for name, choices in names.items():
        if rng.random() < 0.1:
            continue  # left out
        for _ in range(2 if rng.random() < 0.1 else 1):  # now and then repeated
            body.append((name, value(rng, choices)))
    return body


def random_file(rng: random.Random) -> tuple[io.BytesIO, str, str]:
    content = rng.choice(
        [
            b"",
            b"%PDF-1.7\n" + rng.randbytes(rng.randint(0, 5000)),
            b"\x89PNG\r\n\x1a\n" + rng.randbytes(100),
            rng.randbytes(rng.randint(1, 200_000)),
            "plain text £ ✓".encode() * 100,
        ]
    )
    name = rng.choice(["report.pdf", "photo.png", "../../evil.exe", "", "a" * 300 + ".pdf", "x\x00.pdf", "résumé.docx"])
    kind = rng.choice(["application/pdf", "image/png", "application/octet-stream", "text/plain", "", "nonsense"])
    return io.BytesIO(content), name, kind


def json_shape(rng: random.Random, depth: int = 0) -> Any:
    roll = rng.random()
    if depth > 2 or roll < 0.4:
        return rng.choice([None, True, 0, -1, 2**70, 1.5, "", "text", rng.choice(NASTY)])
    if roll < 0.7:
        return [json_shape(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return {rng.choice(NASTY[:20] + ["name", "amount", "id"]): json_shape(rng, depth + 1) for _ in range(3)}


def send(
    person: Person, path: str, spec: FormSpec | None, vocabulary: list[str], rng: random.Random
) -> tuple[str, int]:
    """One random POST; returns what kind of body it was and the status."""
    token = person.token if rng.random() < 0.9 else rng.choice(["", "forged", person.token[:-3] + "abc"])
    roll = rng.random()
    if roll < 0.7:
        body = fields(rng, spec, vocabulary)
        kind = "form"
        files = sorted(spec.files) if spec and spec.files else []
        if files or rng.random() < 0.1:
            kind = "multipart"
            for name in files or [rng.choice(vocabulary)]:
                body.append((name, random_file(rng)))
            if not files:
                body.append(("file", random_file(rng)))
        response = person.client.post(path, data=MultiDict([("csrf_token", token), *body]))
    elif roll < 0.8:
        kind = "json"
        response = person.client.post(path, json=json_shape(rng), headers={"X-CSRFToken": token})
    elif roll < 0.9:
        kind = "broken multipart"
        raw = b'--b\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n' + token.encode()
        raw += rng.choice([b"", b"\r\n--b\r\nContent-Disposition: form-data; name", rng.randbytes(500), b"\r\n--c--"])
        boundary = rng.choice(["b", "", "x" * 100, '"b"'])
        response = person.client.post(
            path, data=raw, content_type=f"multipart/form-data; boundary={boundary}", headers={"X-CSRFToken": token}
        )
    else:
        kind = "bytes"
        content_type = rng.choice(["application/x-www-form-urlencoded", "text/plain", "application/json", ""])
        raw = rng.choice([rng.randbytes(300), b"a=%ff%fe&b=\xff\xfe", b"csrf_token=" + token.encode() + b"&x=%00"])
        response = person.client.post(path, data=raw, content_type=content_type, headers={"X-CSRFToken": token})
    return kind, response.status_code


def fuzz(requests: int, seed: int) -> Results:
    rng = random.Random(seed)
    results = Results()
    with tempfile.TemporaryDirectory(prefix="grantsfund-drill-") as scratch:
        started = time.monotonic()
        app = build_app(Path(scratch))
        ids = ids_by_table(app)
        people = [Person(name, app.test_client(), email) for name, email in ROLES.items()]
        print(f"Migrated and loaded the demo data in {time.monotonic() - started:.1f} s")
        started = time.monotonic()
        forms = survey(app, people, ids, rng)
        vocabulary = sorted({name for spec in forms.values() for name in spec.choices})
        print(
            f"Looked at every page as each of {len(people)} roles: {len(forms)} forms, {len(vocabulary)} field names,"
            f" in {time.monotonic() - started:.1f} s"
        )
        got_request_exception.connect(
            lambda sender, exception, **extra: results.errors.setdefault(
                f"{type(exception).__name__}: {str(exception)[:300]}", "".join(traceback.format_exception(exception))
            ),
            app,
            weak=False,
        )
        rules = [rule for rule in app.url_map.iter_rules() if "POST" in (rule.methods or set())]
        kinds: Counter[str] = Counter()
        started = time.monotonic()
        for number in range(requests):
            rule = rules[number % len(rules)]
            if rule.endpoint in SIGN_OUT and rng.random() < 0.8:
                rule = rules[(number + 1) % len(rules)]
            path = fill(app, rule, ids, rng, missing=0.05, method="POST")
            spec = forms.get(template(path))
            # Mostly someone who was shown the form, so the requests get past the permission check.
            shown = [p for p in people if spec and p.name in spec.roles]
            person = rng.choice(shown if shown and rng.random() < 0.7 else people)
            if number % 200 < len(people):
                sign_in(app, people[number % 200])  # sessions ended or users disabled by the fuzzing come back
            kind, status = send(person, path, spec, vocabulary, rng)
            kinds[kind] += 1
            results.statuses[status] += 1
            results.by_rule[rule.rule][status] += 1
        elapsed = time.monotonic() - started
        print(f"Sent {requests:,} POSTs to {len(rules)} rules in {elapsed:.1f} s ({requests / elapsed:.0f} a second)")
        print(f"Bodies: {', '.join(f'{kind} {count:,}' for kind, count in kinds.most_common())}")
    return results


def report(results: Results) -> bool:
    print(f"By status: {', '.join(f'{status}: {count:,}' for status, count in sorted(results.statuses.items()))}")
    print("By rule (status: count):")
    for rule, statuses in sorted(results.by_rule.items()):
        print(f"  {rule:<90} {', '.join(f'{status}: {count}' for status, count in sorted(statuses.items()))}")
    server_errors = sum(count for status, count in results.statuses.items() if status >= 500)
    print(f"Server errors (5xx): {server_errors}")
    for key, lines in results.errors.items():
        print(f"\n--- {key}\n{lines}")
    return server_errors == 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=10_500)
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()
    ok = report(fuzz(args.requests, args.seed))
    print("Bad input at scale: PASSED" if ok else "Bad input at scale: FAILED")
    sys.exit(0 if ok else 1)
