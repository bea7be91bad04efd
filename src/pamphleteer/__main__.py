import sys

from .cli import main

if __name__ == "__main__":  # not when a worker process (epub/pictures.py's pool) imports it
    sys.exit(main())
