"""Entry point of ``klachtenbureau-admin``, the console executable of the Windows bundle.

The same commands as ``klachtenbureau <command>``; without a command it shows
the help instead of opening the desk (that is what ``Klachtenbureau.exe`` is for).
"""

import sys

from klachtenbureau.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["--help"]))
