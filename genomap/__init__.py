"""GenoMap: genogram and blended-family mapping for child-safeguarding work."""

__version__ = "0.1.0"
APP_NAME = "GenoMap"
