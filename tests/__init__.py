"""argodiff's tests. Code under test that starts tools outside the CLI (renderers, the
simulator, benchmarks) gets this process's environment, as `cli.main` hands it over."""

import os

from argodiff import command

command.use_environment(os.environ)
