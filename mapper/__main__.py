"""``python -m mapper`` runs the CLI."""

from mapper.cli.main import cli

if __name__ == "__main__":
    cli()
