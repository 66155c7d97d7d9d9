"""The static HTML page every report is (route sheets, the norms report, the work-day photo, capacity,
the night's summary): one skeleton, one escaping rule and one Content-Security-Policy, stated here once.

The pages are opened from disk on planners' machines and carry clients' names and addresses, so they are
static: every value goes in escaped, pictures are inlined ``data:`` PNGs, and the policy is defence in
depth — were a value ever to slip past ``escape``, the browser would still run no script, load nothing
from anywhere and send no form.
"""

from __future__ import annotations

import html

from lean_social.outputs.labels import Lang

__all__ = ["CSP", "escape", "static_page"]

#: Inline styles and inlined pictures only; no script, no request, no form, no base.
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"


def escape(value: object) -> str:
    """Any value as text in an element or an attribute value."""
    return html.escape(str(value), quote=True)


def static_page(title: str, body: str, *, lang: Lang, css: str) -> str:
    """The whole page: ``title`` as text, ``body`` as HTML the caller built from escaped values, ``css``
    the report's own stylesheet."""
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{css}</style>\n</head>\n<body>\n{body}</body>\n</html>\n"
    )
