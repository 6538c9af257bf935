"""The pages keep to their Content-Security-Policy (web/csp.py, no 'unsafe-inline'): no template has an inline
script, an event handler attribute or an inline style, and the shipped scripts write no markup and evaluate no code,
so none can creep back."""

import re
from pathlib import Path

import ganxun

SRC = Path(ganxun.__file__).resolve().parent

# WeasyPrint renders these on the server (web.pdf): no browser ever loads them, their <style> stays.
PDF_TEMPLATES = {"classes/templates/classes/certificate_pdf.html", "classes/templates/classes/timetable_pdf.html",
                 "archive/templates/archive/pdf.html"}

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*\btype=\"application/json\")[^>]*>", re.IGNORECASE)
HANDLER = re.compile(r"""\son[a-z]+\s*=""", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"""\sstyle\s*=""", re.IGNORECASE)
# the template language's own tags ({% with style="…" %}, {% if only == f %}) are no HTML attributes
DJANGO_TAG = re.compile(r"\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}")
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
HTMX_EVAL = re.compile(r"""\shx-on[:-]|\shx-(vals|vars|headers)\s*=\s*['"]\s*js:|\shx-vars\s*=""", re.IGNORECASE)


def browser_templates():
    for path in sorted(SRC.rglob("templates/**/*.html")):
        name = str(path.relative_to(SRC))
        if name not in PDF_TEMPLATES:
            yield name, path.read_text("utf-8")


def offenders(pattern: re.Pattern) -> list[str]:
    found = []
    for name, text in browser_templates():
        for n, line in enumerate(text.splitlines(), 1):
            if pattern.search(DJANGO_TAG.sub(" ", line)):
                found.append(f"{name}:{n}: {line.strip()[:120]}")
    return found


def test_the_scan_sees_the_templates():
    names = [name for name, _ in browser_templates()]
    assert len(names) > 100
    assert "web/templates/web/base.html" in names and "reports/templates/reports/dashboard.html" in names
    # and the patterns catch what they are meant to catch
    assert INLINE_SCRIPT.search('<script>alert(1)</script>') and not INLINE_SCRIPT.search('<script src="/a.js">')
    assert HANDLER.search('<form onsubmit="return confirm(1)">') and not HANDLER.search('<td class="one">')
    assert STYLE_ATTRIBUTE.search('<div style="width:1px">') and STYLE_ELEMENT.search("<style>")
    assert HTMX_EVAL.search('<a hx-on:click="x()">') and HTMX_EVAL.search("<a hx-vals='js:{a: 1}'>")


def test_no_template_has_an_inline_script():
    assert offenders(INLINE_SCRIPT) == []


def test_no_template_has_an_event_handler_attribute():
    assert offenders(HANDLER) == []


def test_no_template_has_a_style_attribute_or_element():
    assert offenders(STYLE_ATTRIBUTE) == []
    assert offenders(STYLE_ELEMENT) == []


def test_no_template_needs_htmx_to_evaluate_code():
    assert offenders(HTMX_EVAL) == []


def test_every_size_class_the_filters_name_is_in_the_stylesheet():
    from ganxun.web.templatetags.sizes import MAX_INDENT, indent_class, width_class

    css = (SRC / "web/static/ganxun/sizes.css").read_text("utf-8")
    for n in range(101):
        assert f".{width_class(n)} {{ width: {n}%; }}" in css
    assert width_class(0.372, 100) == "gx-pct-37"
    assert width_class(250) == "gx-pct-100" and width_class(None) == "gx-pct-0"
    for n in range(MAX_INDENT + 1):
        assert f".gx-orgside a.{indent_class(n)} {{" in css and f".gx-tree-cell.{indent_class(n)} {{" in css
    assert indent_class(40) == f"gx-indent-{MAX_INDENT}"


def test_the_shipped_scripts_write_no_markup_and_evaluate_no_code():
    # innerHTML/insertAdjacentHTML would parse style attributes (refused) and text as markup; eval needs 'unsafe-eval'
    forbidden = re.compile(r"\beval\(|new Function\b|\.innerHTML\b|\.outerHTML\s*=|insertAdjacentHTML|document\.write|"
                           r"setAttribute\(\s*[\"']style|setAttribute\(\s*[\"']on")
    scripts = [p for p in SRC.rglob("static/**/*.js") if "vendor" not in p.parts]
    assert len(scripts) >= 6
    found = [f"{p.relative_to(SRC)}: {m.group(0)}" for p in scripts for m in forbidden.finditer(p.read_text("utf-8"))]
    assert found == []


def test_htmx_is_told_to_write_no_inline_style():
    import json

    base = (SRC / "web/templates/web/base.html").read_text("utf-8")
    config = json.loads(re.search(r"""<meta name="htmx-config" content='([^']*)'>""", base).group(1))
    # no <style> element for its request indicators, and no style attribute copied during a swap's settle
    assert config["includeIndicatorStyles"] is False
    assert "style" not in config["attributesToSettle"] and "class" in config["attributesToSettle"]


def test_no_template_comment_runs_over_a_line():
    # {# … #} ends on its own line; one that runs on is printed to the page as text ({% comment %} spans lines)
    found = [f"{p.relative_to(SRC)}:{n}" for p in SRC.rglob("templates/**/*.html")
             for n, line in enumerate(p.read_text("utf-8").splitlines(), 1)
             if line.count("{#") != line.count("#}")]
    assert found == []
