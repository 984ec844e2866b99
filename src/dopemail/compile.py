"""MJML -> the email's HTML: validate, compile with mjml-python, inline our CSS.

Three quirks of mjml-python are handled here rather than in every template:

- it accepts unknown tags and attributes silently, so the MJML is validated first
  (:mod:`dopemail.mjml_check`);
- it writes a literal ``\\u{a0}`` into attributes that contain a no-break space (and other
  non-ASCII characters), so every non-ASCII character is handed to it as a numeric character
  reference, which it passes through untouched;
- it ignores ``<mj-style inline="inline">``, so the CSS meant for inlining (link colours inside
  the Markdown body, figure captions) is inlined after compiling with css-inline, for the mail
  clients that strip ``<style>`` (Gmail's app on some accounts, many webmails).
"""

from __future__ import annotations

from .errors import TemplateError, raise_all


def to_ascii(source: str) -> str:
    """Non-ASCII characters as numeric character references (``&#160;``)."""
    return source.encode("ascii", "xmlcharrefreplace").decode("ascii")


def compile_mjml(source: str, inline_css: str, template: str) -> str:
    """Compile MJML to email HTML; raise TemplateError for invalid MJML.

    ``template`` names the template the MJML came from, for error messages.
    """
    # On first use: a warm build takes compiled issues from the cache.
    import css_inline
    from mjml import mjml2html

    from .mjml_check import check_mjml

    problems = check_mjml(source)
    raise_all(
        [
            TemplateError(
                p.message,
                template,
                None,
                f"line {p.line} of the MJML it produced; see https://documentation.mjml.io/ "
                "for the tags and attributes MJML knows",
            )
            for p in problems
        ]
    )
    try:
        # fonts={} keeps mjml-python from adding its Google Fonts <link> (Ubuntu): the
        # templates name system fonts, and a remote stylesheet is a request per open.
        html = mjml2html(to_ascii(source), fonts={}, disable_comments=True)
    except Exception as exc:  # mjml-python raises a bare Exception with the parser's message
        raise TemplateError(
            f"MJML did not compile: {exc}",
            template,
            None,
            "check that every <mj-*> tag is closed and nested as MJML requires",
        ) from None
    inliner = css_inline.CSSInliner(
        inline_style_tags=False,
        keep_style_tags=True,
        keep_link_tags=False,
        load_remote_stylesheets=False,
        extra_css=inline_css,
    )
    return inliner.inline(html)
