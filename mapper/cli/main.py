"""``mapper`` command line. Each command lives in its own module, parses options, calls the
Python API and picks a writer; this module only assembles the group.

Exit codes: 0 no finding at or above ``--fail-on``; 1 findings; 2 usage or input error.
"""

from __future__ import annotations

import click

from mapper.cli.check import check
from mapper.cli.config import config_group
from mapper.cli.gx import gx_group
from mapper.cli.policy import policies
from mapper.cli.reference import reference_group
from mapper.cli.rules import list_rules, show_rule
from mapper.cli.serve import serve
from mapper.cli.suggest import apply, suggest


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="mapper")
def cli() -> None:
    """Check item catalogs against China's national medical-insurance codes (医保贯标)."""


for command in (
    check, config_group, list_rules, show_rule, policies, suggest, apply, serve, reference_group,
):  # fmt: skip
    cli.add_command(command)
cli.add_command(gx_group)  # great-expectations (optional extra; imported when a gx command runs)
