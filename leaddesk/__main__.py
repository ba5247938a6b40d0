"""`python -m leaddesk`, and the `leaddesk` command's entry point (`run`)."""

import gc
import sys


def run() -> None:
    # Start-up allocates a few hundred thousand objects that live as long as the
    # process; the cyclic collector walking them is wasted work. It pauses here,
    # before click is imported (~20 young collections in `import leaddesk.cli`
    # alone, issue 15); `cli/base.py` says where each command turns it back on.
    gc.disable()
    from leaddesk.cli.fast import run as run_fast

    # `--version` and `due` need no click (cli/fast.py); anything else, or any
    # error there, is click's to read, run and word.
    if run_fast(sys.argv[1:]):
        return
    from leaddesk.cli import main

    main()


if __name__ == "__main__":
    run()
