"""The Qt shell over k49desk's core. Nothing here does work the core cannot do from the command line."""
