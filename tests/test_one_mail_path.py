"""One way to send mail: only notifications/services/sending.py calls Django's mail API.

Everything else asks for mail through common.mail.mail_queue (a Delivery row, sent by a worker),
so no SMTP call happens in a request, an on_commit callback or under a row lock
(docs/operations.md, "Sent once"). The check reads the source tree: a call of send_mail,
send_mass_mail, mail_admins, mail_managers or get_connection, a .send_messages(...), or a
.send(...) without `sender=` (a signal's send always names its sender; a message's never does).
"""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

SENDING_MODULE = Path("notifications/services/sending.py")
MAIL_FUNCTIONS = {"send_mail", "send_mass_mail", "mail_admins", "mail_managers", "get_connection"}
SKIP_DIRS = {".venv", "node_modules", ".git", "migrations", "tests", "static", "media", "bench", "scripts"}


def mail_calls(source: str) -> list[tuple[int, str]]:
    """(line, what) for every call that would send mail itself."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if name in MAIL_FUNCTIONS or name == "send_messages":
            found.append((node.lineno, name))
        elif isinstance(func, ast.Attribute) and name == "send":
            if not any(keyword.arg == "sender" for keyword in node.keywords):
                found.append((node.lineno, ".send()"))
    return found


def source_files() -> list[Path]:
    root = Path(settings.BASE_DIR)
    return [
        path
        for path in root.rglob("*.py")
        if not SKIP_DIRS.intersection(path.relative_to(root).parts[:-1])
    ]


def test_only_the_sending_module_calls_djangos_mail_api():
    root = Path(settings.BASE_DIR)
    offenders = []
    for path in source_files():
        relative = path.relative_to(root)
        if relative == SENDING_MODULE:
            continue
        offenders += [f"{relative}:{line} {what}" for line, what in mail_calls(path.read_text())]
    assert not offenders, "Send mail through common.mail.mail_queue instead:\n" + "\n".join(offenders)


def test_the_sending_module_is_where_the_mail_api_is_called():
    calls = {what for _, what in mail_calls((Path(settings.BASE_DIR) / SENDING_MODULE).read_text())}
    assert {"get_connection", ".send()"} <= calls


def test_the_check_catches_each_way_of_sending():
    sample = """
from django.core import mail
send_mail("s", "b", None, ["a@example.gov"])
mail.send_mass_mail([])
mail_admins("s", "b")
EmailMessage("s", "b").send()
message.send(fail_silently=True)
get_connection().send_messages([message])
signals.thing_happened.send(sender=Thing, thing=thing)
"""
    caught = [what for _, what in mail_calls(sample)]
    assert caught.count(".send()") == 2 and "send_messages" in caught and "get_connection" in caught
    assert {"send_mail", "send_mass_mail", "mail_admins"} <= set(caught)


def test_the_tree_is_really_searched():
    names = {str(p.relative_to(Path(settings.BASE_DIR))) for p in source_files()}
    assert {"accounts/services.py", "matching/emails.py", "reports/emails.py", "surveys/services/sending.py"} <= names
