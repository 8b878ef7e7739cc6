"""sia: sieve web-crawled text into clean, deduplicated, language-labelled corpora.

    >>> import sia
    >>> doc = sia.clean_text(open("page.txt").read())
    >>> doc.clean_text, doc.title, doc.lang, doc.removed

`sia.Pipeline` runs stages over a stream of documents from Python; `sia.Document` is the record.
"""

__version__ = "0.1.0"

from sia.api import Pipeline, clean_text  # noqa: E402
from sia.record import Document, Span  # noqa: E402

__all__ = ["Document", "Pipeline", "Span", "clean_text", "__version__"]
