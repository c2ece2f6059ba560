"""leadclaims: mine what web pages claim about leadership and management."""

__version__ = "0.1.0"
