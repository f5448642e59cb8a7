"""The commands of the command line, one module each; `cli` parses and dispatches."""
