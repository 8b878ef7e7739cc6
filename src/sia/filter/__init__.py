"""sia.filter"""

import sia.filter.pii  # noqa: F401
import sia.filter.quality  # noqa: F401
