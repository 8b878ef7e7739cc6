"""sia.filter"""

from sia.filter import (
    pii,  # noqa: F401
    quality,  # noqa: F401
)
