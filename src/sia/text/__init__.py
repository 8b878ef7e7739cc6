"""sia.text"""

import sia.text.normalize  # noqa: F401
