#!/usr/bin/env python
from kindred.cli import main

if __name__ == "__main__":
    main()
