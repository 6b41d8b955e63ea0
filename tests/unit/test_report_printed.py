"""The print pages' links: a relative link would print as a file:// address of the build folder."""

from pipelines.report.printed import internal_links

CHAPTERS = {"index.html": "page-index", "aim-2.html": "page-aim-2"}


def test_a_link_to_a_printed_anchor_becomes_that_anchor():
    text = '<section id="A1"></section><a href="aim-2.html#A1" class="x">A1</a>'
    assert internal_links(text, CHAPTERS) == '<section id="A1"></section><a href="#A1" class="x">A1</a>'


def test_a_link_to_an_anchor_not_printed_goes_to_its_page_chapter():
    assert internal_links('<a href="aim-2.html#A9">A9</a>', CHAPTERS) == '<a href="#page-aim-2">A9</a>'
    assert internal_links('<a href="index.html">Overview</a>', CHAPTERS) == \
        '<a href="#page-index">Overview</a>'


def test_a_link_to_a_page_not_printed_keeps_its_text_only():
    assert internal_links('See <a href="model-docs.html">model\ndocs</a>.', CHAPTERS) == \
        "See model\ndocs."


def test_in_page_anchors_and_web_addresses_are_left_alone():
    text = '<a href="#content">Skip</a> <a href="https://fingertips.phe.org.uk/">Fingertips</a>'
    assert internal_links(text, CHAPTERS) == text
