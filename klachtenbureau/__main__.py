"""``klachtenbureau`` opens the GUI; ``klachtenbureau <command>`` runs an admin command."""

import sys

from klachtenbureau.cli import main

if __name__ == "__main__":
    sys.exit(main())
