"""sia.repair: document repair stages (metadata, repeats, boilerplate) and the HTML path.

Importing the package registers its stages. `host_templates` (a corpus stage owned elsewhere) is
imported only when its module exists, so this package works before and after it lands.
"""

import importlib.util

from sia.repair import boilerplate, metadata, repeats  # noqa: F401

if importlib.util.find_spec("sia.repair.host_templates") is not None:
    from sia.repair import host_templates  # noqa: F401
