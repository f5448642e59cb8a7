"""The commands of the command line, one module each; `cli` parses and dispatches, `flags`
and `parsers` hold the flags."""
