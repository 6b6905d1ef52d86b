"""Black-box scans of a running, seeded instance (`make scan`): wapiti signed in as each demo login (and as nobody),
then sqlmap over every GET parameter the site's pages link to or offer in a GET form. Fails on any finding.

gunicorn serves the app as in production (bench/drills/stack.py) on a throwaway PostgreSQL database (run it through
scripts/with-postgres.sh) loaded with the demo data; every demo login is given an authenticator secret so that it
can pass the code step.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pyotp

from bench.drills.stack import ROOT, database_url, migrate, serve
from bench.drills.visitor import SignInFailed, Visitor, template
from grantsfund import create_app
from grantsfund.accounts.models import User
from grantsfund.common.dates import utcnow
from grantsfund.demo.services import DEMO_PASSWORD, DEMO_USERS
from grantsfund.extensions import db

# wapiti's modules: injection, XSS, file and command access, open redirects, header injection, plus the checks
# of headers, CSP, cookie flags, CSRF tokens, HTTP methods and XML entities.
WAPITI_MODULES = "sql,blindsql,xss,permanentxss,exec,file,redirect,crlf,http_headers,csp,cookieflags,csrf,methods,xxe"
# Debian's wapiti 3.0.4 compiles each -x pattern as "...\Z(?ms)", which Python 3.11 refuses ("global flags not at
# the start of the expression"), so any exclusion crashes it: it is started with the flags moved to the front.
WAPITI = """
import re, sys
import wapitiCore.net.crawler as crawler
crawler.wildcard_translate = lambda pattern: re.compile(
    "(?ms)" + ".*".join(re.escape(part) for part in pattern.split("*")) + r"\\Z"
)
from wapitiCore.main.wapiti import wapiti_main
sys.argv[0] = "wapiti"
sys.exit(wapiti_main())
"""
# Pages whose visit ends the scanner's session: signing out (a POST form that wapiti would submit), and the forms that
# ask for an authenticator code, where wapiti's wrong codes lock the account, as they are meant to. The fuzz drill
# posts bad input to those forms instead.
NOT_SCANNED = ("/sign-out", "/sign-in/set-up-authenticator", "/account/two-step-verification/*")
# sqlmap's log lines that report an injection (or a hint of one, or of reflected script); "does not seem to be
# injectable" is its all-clear and matches none of these.
SQLMAP_FINDING = re.compile(
    r"is vulnerable|appears to be .* injectable|might be injectable|might be vulnerable|"
    r"identified the following injection point|is dynamic.*injectable"
)
# Findings examined and found not to be faults, each matched exactly by wapiti's category and message
# (docs/security.md, "Black-box scans", says why).
FALSE_POSITIVES = frozenset(
    {
        # The scanned instance serves plain HTTP on the loopback, so its cookie cannot be Secure (a Secure cookie
        # would not come back over HTTP); in production it is, and `flask check` refuses to start otherwise.
        ("Secure Flag cookie", "Secure flag is not set in the cookie : grantsfund_session"),
        # wapiti 3.0.4 wants "X-XSS-Protection: 1"; current advice is not to switch on the browsers' old XSS
        # filter (itself a source of leaks, and gone from current browsers): the Content-Security-Policy does it.
        ("HTTP Secure Headers", "X-XSS-Protection is not set"),
    }
)


@dataclass(frozen=True)
class Finding:
    tool: str
    who: str
    category: str
    message: str
    where: str = ""

    def __str__(self) -> str:
        return f"[{self.tool} as {self.who}] {self.category}: {self.where} {self.message}".replace("  ", " ")


def seed(url: str) -> dict[str, str]:
    """The demo data in the database, and an authenticator secret for each demo login (returned by email)."""
    migrate(url)
    env = {"DATABASE_URL": url, "APP_ENV": "development"}
    subprocess.run(  # noqa: S603 -- our own interpreter and arguments
        [sys.executable, "-m", "flask", "--app", "wsgi:app", "demo", "seed"],
        cwd=ROOT,
        env={**os.environ, **env},
        check=True,
        capture_output=True,
    )
    secrets_by_email = {demo.email: pyotp.random_base32() for demo in DEMO_USERS}
    app = create_app({"SQLALCHEMY_DATABASE_URI": url}, env_name="development")
    with app.app_context():
        for user in db.session.query(User).filter(User.email.in_(secrets_by_email)):
            user.totp_secret = secrets_by_email[user.email]
            user.totp_enabled_at = utcnow()
        db.session.commit()
        db.engine.dispose()
    return secrets_by_email


def _sent(field: dict[str, str]) -> bool:
    """Whether a browser sends the field when its form is submitted unchanged."""
    return field.get("type") not in {"submit", "button", "checkbox", "radio"} or "checked" in field


class _Links(HTMLParser):
    """Same-site links, and GET forms as the URL a browser would ask for when submitted unchanged."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.page = page
        self.links: list[str] = []
        self._form: tuple[str, list[tuple[str, str]]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value or "" for key, value in attrs}
        if tag == "a" and values.get("href"):
            self.links.append(urljoin(self.page, values["href"]))
        elif tag == "form" and values.get("method", "get").lower() == "get":
            self._form = (urljoin(self.page, values.get("action") or self.page), [])
        elif self._form and tag in {"input", "select", "textarea"} and values.get("name") and _sent(values):
            self._form[1].append((values["name"], values.get("value") or "1"))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._form:
            action, fields = self._form
            self.links.append(f"{urlsplit(action).path}?{urlencode(fields or [('page', '1')])}")
            self._form = None


def crawl(visitor: Visitor, start: str, limit: int) -> set[str]:
    """Paths with a query string found within `limit` pages of `start`: one per page and parameter names."""
    seen: set[str] = set()
    shapes: set[tuple[str, tuple[str, ...]]] = set()
    queue = [start]
    found: set[str] = set()
    while queue and len(seen) < limit:
        path = queue.pop(0)
        shape = (template(path), tuple(sorted(key for key, _ in parse_qsl(urlsplit(path).query))))
        if path in seen or shape in shapes or any(path.startswith(skip) for skip in NOT_SCANNED):
            continue
        seen.add(path)
        shapes.add(shape)
        page = visitor.get(path)
        if urlsplit(path).query:
            found.add(path)
        if page.status != 200 or not page.body.lstrip().startswith(b"<!DOCTYPE"):
            continue
        parser = _Links(path)
        parser.feed(page.text)
        for link in parser.links:
            parts = urlsplit(link)
            if parts.netloc in {"", urlsplit(visitor.base_url).netloc} and parts.path.startswith("/"):
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def wapiti(base_url: str, who: str, cookie: str | None, work: Path, crawl: int, attack: int) -> list[Finding]:
    """wapiti 3.0.4 bounds its crawl by --max-scan-time and each module by --max-attack-time: it runs for at most
    crawl + attack for each module, plus the report."""
    host = urlsplit(base_url).hostname or "127.0.0.1"
    command = ["/usr/bin/python3", "-c", WAPITI, "-u", f"{base_url}/", "--scope", "folder", "-m", WAPITI_MODULES]
    command += ["--flush-session"]
    command += ["--max-scan-time", str(crawl), "--max-attack-time", str(attack), "-t", "20"]
    command += ["-f", "json", "-o", str(work / f"wapiti-{who}.json"), "-v", "0"]
    command += ["--store-session", str(work / f"wapiti-session-{who}")]
    for path in NOT_SCANNED:
        command += ["-x", f"{base_url}{path}"]
    if cookie:
        cookie_file = work / f"cookies-{who}.json"
        attributes = {"value": cookie, "version": 0, "secure": False, "expires": None, "port": None}
        cookie_file.write_text(json.dumps({host: {"/": {"grantsfund_session": attributes}}}))
        command += ["-c", str(cookie_file)]
    limit = crawl + attack * (WAPITI_MODULES.count(",") + 1) + 120
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=limit)  # noqa: S603
    except subprocess.TimeoutExpired:
        return [Finding("wapiti", who, "did not finish", f"still running after {limit}s")]
    (work / f"wapiti-{who}.log").write_text(done.stdout + done.stderr)
    report_path = work / f"wapiti-{who}.json"
    if done.returncode != 0 or not report_path.exists():
        return [Finding("wapiti", who, "did not finish", f"exit {done.returncode}: {done.stderr[-2000:]}")]
    report = json.loads(report_path.read_text())
    findings = []
    for section in ("vulnerabilities", "anomalies"):
        for category, items in report.get(section, {}).items():
            for item in items:
                where = f"{item.get('method')} {item.get('path')} {item.get('parameter') or ''}".strip() + ":"
                findings.append(Finding("wapiti", who, category, str(item.get("info")), where))
    return findings


def sqlmap_findings(log: str) -> list[str]:
    """The log's lines that report an injection, URL by URL. A heuristic hint ("might be injectable") that sqlmap's
    full tests of the same parameter then refute ("does not seem to be injectable") is not a finding."""
    found = []
    for block in log.split("testing URL '"):
        lines = [line.strip() for line in block.splitlines() if SQLMAP_FINDING.search(line)]
        refuted = set(re.findall(r"parameter '([^']+)' does not seem to be injectable", block))
        found += [
            line
            for line in lines
            if not ("might be injectable" in line and set(re.findall(r"parameter '([^']+)'", line)) <= refuted)
        ]
    return found


def sqlmap(base_url: str, who: str, cookie: str | None, paths: set[str], work: Path, seconds: int) -> list[Finding]:
    targets = work / f"sqlmap-{who}.txt"
    targets.write_text("".join(f"{base_url}{path}\n" for path in sorted(paths)))
    # --smart: the full set of payloads only where the quick heuristics see a parameter react, to bound the time.
    command = ["sqlmap", "-m", str(targets), "--batch", "--smart", "--level", "1", "--risk", "1", "--time-sec", "2"]
    command += ["--output-dir", str(work / f"sqlmap-{who}"), "--disable-coloring", "--timeout", "20", "--retries", "1"]
    if cookie:
        command += ["--cookie", f"grantsfund_session={cookie}"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=seconds)  # noqa: S603
        log = done.stdout + done.stderr
    except subprocess.TimeoutExpired as stopped:
        log = (stopped.stdout or b"").decode(errors="replace") if isinstance(stopped.stdout, bytes) else ""
        log += "\n[scan] sqlmap ran out of time"
    (work / f"sqlmap-{who}.log").write_text(log)
    findings = [Finding("sqlmap", who, "injection", line) for line in sqlmap_findings(log)]
    if "ran out of time" in log:
        findings.append(Finding("sqlmap", who, "did not finish", f"{len(paths)} URLs in {seconds}s"))
    return findings


def signed_in(base_url: str, email: str | None, password: str, secret: str | None) -> Visitor:
    visitor = Visitor(base_url)
    if email:
        visitor.sign_in(email, password, totp_secret=secret)
    return visitor


def identities(secrets_by_email: dict[str, str]) -> Iterator[tuple[str, str | None]]:
    yield "anonymous", None
    for email in secrets_by_email:
        yield email.split("@")[0], email


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--crawl-seconds", type=int, default=60, help="wapiti's crawl time for each identity")
    parser.add_argument("--attack-seconds", type=int, default=15, help="wapiti's time for each module and identity")
    parser.add_argument("--sqlmap-seconds", type=int, default=300, help="sqlmap's time for each identity")
    parser.add_argument("--pages", type=int, default=150, help="most pages crawled for GET parameters per identity")
    parser.add_argument("--keep", type=Path, help="keep the scanners' reports and logs in this directory")
    parser.add_argument("--parallel", type=int, default=4, help="identities scanned at once")
    return parser.parse_args()


def main() -> int:
    args = parse_args()

    started = time.monotonic()
    keep = contextlib.nullcontext(str(args.keep)) if args.keep else None
    with keep or tempfile.TemporaryDirectory(prefix="grantsfund-scan-") as work_name:
        work = Path(work_name)
        work.mkdir(parents=True, exist_ok=True)
        url = database_url()
        secrets_by_email = seed(url)
        print(f"Seeded the demo data ({time.monotonic() - started:.0f}s); scanning as anonymous and each demo login")
        with serve(url, env={"SECRET_KEY": secrets.token_hex(32)}) as base_url:

            def scan(identity: tuple[str, str | None]) -> list[Finding]:
                who, email = identity
                secret = secrets_by_email.get(email or "")
                try:
                    crawler = signed_in(base_url, email, DEMO_PASSWORD, secret)
                except SignInFailed as error:
                    return [Finding("scan", who, "could not sign in", str(error)[:300])]
                step = int(time.time() // 30)
                paths = crawl(crawler, "/account" if email else "/", args.pages)
                cookie = crawler.cookies.get("grantsfund_session")
                found = wapiti(base_url, who, cookie, work, args.crawl_seconds, args.attack_seconds)
                # sqlmap gets a fresh session, as wapiti may have changed or ended its own; an authenticator code
                # is accepted once, so the second sign-in waits for the next 30-second step if need be.
                time.sleep(max(0.0, (step + 1) * 30 - time.time() + 1))
                try:
                    cookie = signed_in(base_url, email, DEMO_PASSWORD, secret).cookies.get("grantsfund_session")
                except SignInFailed as error:
                    return [*found, Finding("scan", who, "could not sign in again for sqlmap", str(error)[:300])]
                found += sqlmap(base_url, who, cookie, paths, work, args.sqlmap_seconds) if paths else []
                print(f"  {who}: {len(paths)} URLs with parameters, {len(found)} findings", flush=True)
                return found

            with ThreadPoolExecutor(max_workers=args.parallel) as pool:
                everyone = sorted(identities(secrets_by_email), key=lambda identity: identity[0] == "admin")
                findings = [item for result in pool.map(scan, everyone[:-1]) for item in result]
            # The administrator last and alone: their scan submits the forms that disable people and reset their
            # authenticator, which would end the others' sessions and sign-ins mid-scan.
            findings += scan(everyone[-1])
    kept = [item for item in findings if (item.category, item.message) not in FALSE_POSITIVES]
    print(f"Scanned in {time.monotonic() - started:.0f}s: {len(kept)} findings")
    for item in kept:
        print(f"  {item}")
    if kept:
        print(f"The reports and logs are in {args.keep}" if args.keep else "Run with --keep DIR to keep the reports")
    return 1 if kept else 0


if __name__ == "__main__":
    sys.exit(main())
