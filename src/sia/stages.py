"""Import every built-in stage so `sia.stage.register` sees it.

Each subpackage's ``__init__`` imports its stage modules; a package that fails to import is a bug,
so errors are not swallowed here.
"""

import sia.dedup  # noqa: F401
import sia.filter  # noqa: F401
import sia.label  # noqa: F401
import sia.repair  # noqa: F401
import sia.text  # noqa: F401
