"""Mission assistant: local, cited retrieval over sources on illegal mining and trafficking in Ecuador."""

__version__ = "0.1.0"
