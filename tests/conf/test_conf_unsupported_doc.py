"""vrrpd.conf(5) names every keyword vrrpd skips with a warning (service/conf/conf-keywords.c), so that an
admin reading the page learns what of their keepalived.conf does not run, and why (issue 12). A keyword added
to the lists without a word in the page fails here."""

import re

from conftest import REPO

LISTS = ("root_unsupported", "global_unsupported", "instance_unsupported", "sync_unsupported")


def skipped_keywords():
    source = (REPO / "service" / "conf" / "conf-keywords.c").read_text()
    names = set()
    for name in LISTS:
        body = re.search(rf"{name}\[\] = \{{(.*?)\}};", source, re.S)
        assert body, f"{name} not found in conf-keywords.c"
        names |= set(re.findall(r'"([^"]+)"', re.sub(r"/\*.*?\*/", "", body.group(1), flags=re.S)))
    return names


def page_words():
    text = (REPO / "man" / "vrrpd.conf.5").read_text()
    text = re.sub(r"\\f[BIRP]|\\[-&]|\\\(en", lambda m: "-" if m.group(0) == "\\-" else "", text)
    return set(re.findall(r"[A-Za-z0-9_*-]+", text))


def documented(name, words):
    return name in words or any(w.endswith("*") and name.startswith(w[:-1]) and len(w) > 1 for w in words)


def test_every_skipped_keyword_is_in_the_page():
    words = page_words()
    missing = sorted(n for n in skipped_keywords() if not documented(n, words))
    assert not missing, f"vrrpd.conf(5) does not name these skipped keywords: {missing}"


def test_the_lists_are_read():
    names = skipped_keywords()
    assert {"virtual_server", "bfd_instance", "enable_snmp_vrrp", "track_bfd"} <= names
    assert not {"smtp_server", "notification_email", "no_email_faults"} & names  # SMTP alerts run now
