"""The `sorac` command, also run as `python -m sorascript`.

The cyclic garbage collector is off while the command line's modules load:
their classes and tables are never garbage, and its passes over them cost
about 8 ms of every run. `cli.main` turns it back on; `check` and `compile`
keep it off for their whole life (`cli._short_lived`).
"""

import gc


def run() -> None:
    gc.disable()
    from sorascript.cli import main

    main()


if __name__ == "__main__":
    run()
