"""dopemail: film entries to feeds, newsletter issues, a live preview and a sender."""

__version__ = "0.1.0"

__all__ = ["__version__"]
