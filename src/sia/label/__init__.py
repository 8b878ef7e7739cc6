"""sia.label"""

import sia.label.langid  # noqa: F401
