#!/usr/bin/env python3
"""make_hostile.py - writes the hostile messages: one JSON line a case, each built to cost a
stage as much time or memory as its size allows (deep or wide structure, huge fields, tag soup
that makes an HTML5 parser work hard). Used by tests/integration/test_hostile.sh (the cases with
their expected outcome), scripts/hostile_report.sh (peak RSS and time per case) and
scripts/soak_hostile.sh (a mix of these and real articles for minutes).

    make_hostile.py OUT.jsonl [--size BYTES] [--list]

Each line's id is "hostile-<case>". --size is the target size of the big cases (default
3,500,000: under the 4 MiB max.message.bytes with room for what stages add). The expected
outcome of a case is in CASES: the dead-letter reason, or "ok" when the stage must process it.
"""
import argparse
import json
import sys

# name -> (expected outcome at the clean stage, builder(size) -> message dict or raw str)
CASES = {}


def case(expect):
    def register(fn):
        CASES[fn.__name__.replace("_", "-")] = (expect, fn)
        return fn

    return register


def html(body, **kw):
    return dict(content_type="text/html", body="<html><body>" + body + "</body></html>", **kw)


def fill(unit, size):
    return unit * max(1, size // len(unit))


# the clean stage refuses a page of over 100,000 elements (gumbo spends ~500 bytes on each)
MAX_ELEMENTS = 100000


def fill_elements(unit, size):
    """unit repeated up to size bytes, but to no more than 90% of MAX_ELEMENTS elements: the
    cases that must pass stay under the element limit at any size."""
    # as the pre-scan counts: start tags, and </p> and </br> (which may make an element)
    per_unit = max(1, unit.count("<") - unit.count("</") + unit.count("</p>") + unit.count("</br>"))
    return unit * max(1, min(size // len(unit), MAX_ELEMENTS * 9 // 10 // per_unit))


# --- HTML structure -------------------------------------------------------------------------
@case("too_complex")
def nested_div(size):
    return html("<div>" * 50000 + "x")


@case("too_complex")
def unclosed_bold(size):
    return html(fill("<b>x ", size))


@case("too_complex")
def nested_svg(size):
    return html("<svg>" + "<g>" * 50000 + "x")


@case("too_complex")
def nested_table(size):
    return html("<table><tr><td>" * 20000 + "x")


@case("too_complex")
def stray_end_tags(size):
    # an end tag that names no open element is ignored: each <svg> nests deeper
    return html(fill("<svg></ul>", size))


@case("too_complex")
def anchors_around_blocks(size):
    # a new <a> closes the open one but not the <div> inside it: each cycle nests deeper
    # (found by the fuzzer; gumbo's error list held 1.45 GB of it at 1 MB)
    return html(fill("<td class=x><div class=x><a class=x href='y'>", size))


@case("too_complex")
def foreign_content(size):
    # in SVG every start tag nests, even <td> (found by the fuzzer: gumbo 47,000 deep, 10 s)
    return html("<svg>" + fill("<td>x", size))


@case("too_complex")
def stray_paragraph_ends(size):
    # the parser makes an empty <p> for each </p> with none open (found by the fuzzer)
    return html(fill("</p>", max(size, 4 * MAX_ELEMENTS + 4)))


@case("too_complex")
def many_elements(size):
    # linear, but ~120 bytes of parser memory per input byte
    return html(fill("x<p>", max(size, 4 * MAX_ELEMENTS + 4)))


@case("ok")
def nesting_just_under_limit(size):
    block = "<div>" * 500 + "word " + "</div>" * 500
    return html(fill_elements(block, size))


@case("ok")
def misnested_formatting(size):
    # the adoption agency algorithm runs for every </b>
    return html(fill_elements("<p><b><i>one</b> two</i> three</p>", size))


@case("ok")
def unclosed_anchors(size):
    return html(fill_elements("<a href=x>link ", size))


@case("ok")
def foster_parented_text(size):
    return html("<table>" + fill_elements("text<tr>more", size) + "</table>")


@case("ok")
def many_paragraphs(size):
    return html(fill_elements("<p>The quick brown fox jumps over the lazy dog again.</p>\n", size))


@case("ok")
def many_line_breaks(size):
    return html(fill_elements("word<br>", size))


@case("ok")
def huge_attribute(size):
    return html('<div data-x="' + "A" * size + '">text</div>')


@case("too_complex")
def many_attributes(size):
    return html("<div " + " ".join("a%d=1" % i for i in range(size // 10)) + ">text</div>")


@case("ok")
def attributes_just_under_limit(size):
    tag = "<span " + " ".join("a%d=1" % i for i in range(250)) + ">word</span> "
    return html("<p>" + fill_elements(tag, size) + "</p>")


@case("ok")
def many_entities(size):
    return html("<p>" + fill("&amp;&eacute;&#x41; ", size) + "</p>")


@case("ok")
def unterminated_comment(size):
    return html("<p>before</p><!--" + fill("x ", size))


@case("ok")
def unterminated_script(size):
    return html("<p>before</p><script>" + fill("var a = 1; ", size))


@case("ok")
def one_giant_word(size):
    return html("<p>" + "x" * size + "</p>")


# --- plain text -----------------------------------------------------------------------------
@case("ok")
def text_one_line(size):
    return dict(content_type="text/plain", body=fill("lorem ipsum dolor sit amet ", size))


@case("ok")
def text_blank_lines(size):
    return dict(content_type="text/plain", body=fill("a\n\n", size * 3 // 5))


@case("ok")
def text_repeated_sentence(size):
    return dict(body=fill("Click here to subscribe to our newsletter. ", size))


# --- JSON structure -------------------------------------------------------------------------
@case("too_complex")
def deep_json_array(size):
    return '{"id":"hostile-deep-json-array","body":"x","meta":' + "[" * 300000 + "]" * 300000 + "}"


@case("too_complex")
def deep_json_unclosed(size):
    return '{"id":"hostile-deep-json-unclosed","body":"x","meta":' + "[" * 300000


@case("ok")
def wide_json_object(size):
    return dict(body="a short body", meta={"k%d" % i: i for i in range(size // 16)})


@case("ok")
def wide_json_array(size):
    return dict(body="a short body", meta=list(range(size // 8)))


@case("ok")
def escaped_strings(size):
    return dict(body=fill("caf\u00e9 \u4e2d\u6587 \U0001f600 ", size // 3))


@case("duplicate_key")
def many_duplicate_keys(size):
    return '{"id":"hostile-many-duplicate-keys","body":"x"' + ',"k":1' * (size // 6) + "}"


def build(name, size):
    expect, fn = CASES[name]
    m = fn(size)
    if isinstance(m, dict):
        m = json.dumps(dict(id="hostile-" + name, **m), ensure_ascii=False)
    return expect, m


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", nargs="?")
    ap.add_argument("--size", type=int, default=3_500_000)
    ap.add_argument("--list", action="store_true", help="print 'case expected' lines and exit")
    ap.add_argument("--case", action="append", help="only these cases")
    a = ap.parse_args()
    names = a.case or list(CASES)
    if a.list:
        for n in names:
            print(n, CASES[n][0])
        return
    if not a.out:
        ap.error("OUT is required")
    with open(a.out, "w", encoding="utf-8") as f:
        for n in names:
            f.write(build(n, a.size)[1] + "\n")


if __name__ == "__main__":
    sys.exit(main())
