"""sia.filter"""
from sia.filter import quality  # noqa: F401
