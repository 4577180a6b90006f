"""{{{displayName}}}: a Larkspur Mutual gen-AI pilot."""

__version__ = "0.1.0"
