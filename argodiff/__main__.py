"""`python -m argodiff` and the `argodiff` console script. Signals are handled before anything
else is imported, so Ctrl-C at any moment exits 130 with one line (argodiff/interrupts.py)."""

from argodiff import interrupts


def main() -> None:
    interrupts.install()

    def run() -> None:
        from argodiff.cli import main as cli_main

        cli_main()

    interrupts.exit_on_interrupt(run)


if __name__ == "__main__":
    main()
