"""The `printforge` command line: one module per subcommand, named `cmd_<name>.py`."""
