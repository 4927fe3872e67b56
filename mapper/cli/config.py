"""``mapper config show``, and how ``mapper check`` merges its flags with the config file."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import click
from click.core import ParameterSource

from mapper.cli.common import parse_columns, reports_errors, split_list
from mapper.config import Config, load_config, toml_key

CONFIG_OPTION = click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Config file to use instead of the mapper.toml or pyproject.toml [tool.mapper] "
    "found from the working directory upward.",
)


def config_for_check(config_file: Path | None) -> Config:
    """The effective config of the running command: flags given > config file > defaults."""
    ctx = click.get_current_context()
    params = ctx.params

    def given(name: str) -> Any:
        source = ctx.get_parameter_source(name)
        if source in (None, ParameterSource.DEFAULT, ParameterSource.DEFAULT_MAP):
            return None
        value = params.get(name)
        return None if value in (None, ()) else value

    as_of = given("as_of")
    columns = given("columns")
    reference = given("reference")
    return load_config(config_file).override(
        select=tuple(split_list(given("select"))) if given("select") else None,
        ignore=tuple(split_list(given("ignore"))) if given("ignore") else None,
        fail_on=given("fail_on"),
        policy=given("policy"),
        reference=str(reference) if reference is not None else None,
        release=given("release"),
        as_of=as_of,
        columns=parse_columns(columns) if columns else None,
        encoding=given("encoding"),
        sheet=given("sheet"),
        baseline=str(given("baseline")) if given("baseline") is not None else None,
        output_format=given("fmt"),
        docs_url=given("docs_url"),
    )


def _toml(value: Any) -> str:
    """A value as TOML would spell it (near enough for reading)."""
    if value is None:
        return "(not set)"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        inner = ", ".join(f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in value.items())
        return "{" + inner + "}"
    if isinstance(value, tuple):
        value = list(value)
    return json.dumps(value, ensure_ascii=False)


def render(config: Config) -> str:
    """The effective config, one setting a line, each with where its value came from."""
    head = (
        f"# config file: {config.path}"
        if config.path
        else "# no config file found (mapper.toml or pyproject.toml [tool.mapper]); defaults"
    )
    rows = [(key, _toml(value), source) for key, value, source in config.items()]
    width = max(len(k) for k, _, _ in rows)
    vwidth = min(max(len(v) for _, v, _ in rows), 48)
    lines = [f"{k:<{width}} = {v:<{vwidth}}  # {s}" for k, v, s in rows]
    return "\n".join([head, "# precedence: command-line flag > config file > default", *lines])


@click.group("config")
def config_group() -> None:
    """Show mapper's configuration ([tool.mapper] in pyproject.toml, or mapper.toml)."""


@config_group.command("show")
@CONFIG_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print JSON: each key's value and source.")
@reports_errors
def show(config_file: Path | None, as_json: bool) -> None:
    """Print the effective config and where each value came from."""
    config = load_config(config_file)
    if as_json:
        out = {
            "file": str(config.path) if config.path else None,
            "settings": {
                key: {"value": value, "source": source} for key, value, source in config.items()
            },
        }
        click.echo(json.dumps(out, ensure_ascii=False, indent=2, default=str))
    else:
        click.echo(render(config))


__all__ = ["CONFIG_OPTION", "config_for_check", "config_group", "render", "show", "toml_key"]
