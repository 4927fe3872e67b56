"""The command line: argument parsing only; everything else is the Python API."""
