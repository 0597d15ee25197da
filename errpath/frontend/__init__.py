"""The frontend: kernel C text -> function units.

Place in the flow: after git, before facts (git -> frontend -> facts ->
analysis -> rules -> pipeline -> report -> cli). normalise.py rewrites
kernel-only syntax into plain C without moving a byte (passes 0-8, using the
scanners of scan.py; second_chance.py has the rare forms tried only inside
functions that still fail); parse.py runs tree-sitter-c and cuts the tree
into function units.

May import: the standard library, tree-sitter, errpath.model and
errpath.knowledge. Nothing above it.
"""
