"""`python -m argodiff`."""

from argodiff.cli import main

main()
