"""Mission assistant: local, cited retrieval over Spanish and French sources on illegal mining and trafficking."""

__version__ = "0.1.0"
