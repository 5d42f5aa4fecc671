"""Subcommands of the ``oslsim`` command line, one module each."""
