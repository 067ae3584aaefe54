"""k49desk: train, evaluate and draw handwritten hiragana with Kuzushiji-49 (K49)."""

__version__ = "0.1.0"
