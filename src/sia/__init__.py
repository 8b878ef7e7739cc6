"""sia: sieve web-crawled text into clean, deduplicated, language-labelled corpora."""

__version__ = "0.1.0"
