"""DOM pruning for the main-content HTML path: page furniture out before resiliparse extracts.

resiliparse's main-content heuristic drops navigation, footers and hidden elements, but keeps
much of what sits next to an article on a news or blog page: comment threads, share bars,
related-article lists, newsletter boxes, photo captions and credits, promos, cookie notices.
Web pages name these blocks the same way everywhere (class and id conventions of CMS themes and
front-end kits), so one CSS selector finds them: an element is *furniture* when

* its class or id contains a furniture stem (``comment``, ``share``, ``social``, ``related``,
  ``newsletter``, ``sidebar``, ``widget``, ``caption``, ``promo``, ``cookie`` ...; `STEMS`), or a
  class name is the ad token (``ad``, ``ad-*``, ``*-ad``; not ``header`` or ``shadow``), or it
  is an ``<aside>`` or ``<figcaption>``; and
* it is not a container of the article itself (the guards): not ``html``/``body``/``main``/
  ``article``; no class or id carrying a content word (``content``, ``body``, ``text``, ``main``,
  ``wrap``, ``container``, ``embed``, ``layout``: "content-with-sidebar", "post-content widget",
  "article__body overlay-handle"); and it contains none of the article's anchors -- the page's
  ``<h1>``, ``<main>``, ``[itemprop=articleBody]``, the ``post-body``/``entry-content``/
  ``article-body`` containers or a microformats ``hentry`` -- so a WordPress wrapper classed
  "comments-open" or a Blogger "widget Blog" that holds the post is kept whole.

The selector runs in C (lexbor, through resiliparse's ``skip_elements``): the furniture is skipped
while the text is extracted, with no Python per element. The first ``<h1>`` -- the page title,
which `sia.repair.metadata` moves out of the text by default as well -- is skipped too
(`extract_main`). resiliparse's own comment-section switch (``comments=False``) is left off: it
has no guard and drops a whole post whose wrapper is classed "comments-open"; the guarded
``comment`` stem here scores the same. No rule names a site: only generic class/id vocabulary
and document structure.
"""

from __future__ import annotations

import functools

# class/id substrings (case-insensitive) of page furniture, by kind
STEMS: dict[str, tuple[str, ...]] = {
    "comments": ("comment",),
    "sharing": ("share", "social"),
    "related": ("related", "recommend", "popular", "trending"),
    "newsletter": ("newsletter", "subscri"),
    "sidebar": ("sidebar", "widget"),
    "navigation": ("breadcrumb",),
    "footer": ("footer",),
    "promo": ("promo", "advert", "sponsor"),
    "consent": ("cookie", "consent"),
    "tags": ("tags",),
    "caption": ("caption", "credit"),
    "overlay": ("modal", "popup"),
}
# stems also looked up in the id attribute (ids are rarer furniture markers; each costs a pass)
ID_STEMS = ("comment", "sidebar", "footer", "related", "share")
# tokens too short to match as substrings: whole class names, or a hyphenated part at either end
TOKENS = ("ad",)
TAGS = ("aside", "figcaption")
# a class or id containing one of these marks a container of the article itself
CONTENT_WORDS = ("content", "body", "text", "main", "wrap", "container", "embed", "layout")
# an element containing one of these holds the article
ANCHORS = (
    "h1",
    "main",
    "[itemprop=articleBody]",
    "[class*=post-body i]",
    "[class*=entry-content i]",
    "[class*=article-body i]",
    "[class*=article__body i]",
    "[class~=hentry i]",
)
PROTECTED = ("html", "body", "main", "article")
TITLE_MARK = "data-sia-title"


@functools.cache
def furniture_selector() -> str:
    """One CSS selector for the furniture elements, guards included."""
    parts = [f"[class*={s} i]" for stems in STEMS.values() for s in stems]
    parts += [f"[id*={s} i]" for s in ID_STEMS]
    for t in TOKENS:
        parts += [f"[class~={t} i]", f"[class|={t} i]", f"[class$=-{t} i]"]
    parts += TAGS
    content = [f"[{a}*={w} i]" for w in CONTENT_WORDS for a in ("class", "id")]
    return (
        f":is({', '.join(parts)})"
        f":not({', '.join(PROTECTED)})"
        f":not({', '.join(content)})"
        f":not(:has({', '.join(ANCHORS)}))"
    )


def extract_main(tree, **opts) -> str:
    """resiliparse main-content text of the parsed `tree` without furniture and the title heading.

    `opts` are passed to ``extract_plain_text``. The tree is left as it was.
    """
    from resiliparse.extract.html2text import extract_plain_text

    title = tree.body.query_selector("h1") if tree.body is not None else None
    skip = [furniture_selector()]
    if title is not None:
        title.setattr(TITLE_MARK, "")
        skip.append(f"[{TITLE_MARK}]")
    try:
        return extract_plain_text(tree, main_content=True, skip_elements=skip, **opts)
    finally:
        if title is not None:
            title.delattr(TITLE_MARK)
