"""metricdsl: a declarative metric language compiled to SQL and to target-allocation plans."""

__version__ = "0.1.0"
