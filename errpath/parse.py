"""tree-sitter-c over normalised kernel source → function units."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import tree_sitter_c
from tree_sitter import Language, Node, Parser, Tree

from .source import normalise


@lru_cache(maxsize=1)
def c_language() -> Language:
    return Language(tree_sitter_c.language())


def new_parser() -> Parser:
    return Parser(c_language())


@dataclass
class FunctionNode:
    """One function definition in a parsed file (tree-sitter node, not picklable)."""
    name: str
    node: Node
    start_line: int  # 1-based
    end_line: int
    ok: bool         # body has no ERROR/MISSING node
    is_static: bool


@dataclass
class ParsedFile:
    source: bytes    # the normalised bytes the tree was built from
    tree: Tree
    functions: list[FunctionNode]


def declarator_name(decl: Node | None) -> str | None:
    """The identifier a (possibly pointer/parenthesised) declarator declares."""
    while decl is not None:
        if decl.type in ("identifier", "field_identifier"):
            return decl.text.decode("utf-8", "replace")
        if decl.type == "function_declarator":
            decl = decl.child_by_field_name("declarator")
        elif decl.type in ("pointer_declarator", "parenthesized_declarator", "attributed_declarator"):
            decl = decl.child_by_field_name("declarator") or (decl.named_children[0] if decl.named_children else None)
        else:
            return None
    return None


def _function_definitions(root: Node):
    stack = [root]
    while stack:
        node = stack.pop()
        for child in reversed(node.children):
            if child.type == "function_definition":
                yield child
            elif child.type in ("translation_unit", "preproc_if", "preproc_ifdef", "preproc_else",
                                "preproc_elif", "preproc_elifdef", "linkage_specification",
                                "declaration_list", "ERROR"):
                stack.append(child)


def _is_static(fn: Node) -> bool:
    for child in fn.children:
        if child.type == "storage_class_specifier" and child.text == b"static":
            return True
        if child.type == "function_declarator" or child.type == "compound_statement":
            break
    return False


def parse_source(data: bytes, foreach_macros: frozenset[str] | None = None,
                 parser: Parser | None = None) -> ParsedFile:
    source = normalise(data, foreach_macros)
    tree = (parser or new_parser()).parse(source)
    functions = []
    for fn in _function_definitions(tree.root_node):
        name = declarator_name(fn.child_by_field_name("declarator"))
        body = fn.child_by_field_name("body")
        if not name or body is None:
            continue
        functions.append(FunctionNode(
            name=name, node=fn, start_line=fn.start_point[0] + 1, end_line=fn.end_point[0] + 1,
            ok=not body.has_error, is_static=_is_static(fn)))
    functions.sort(key=lambda f: f.start_line)
    return ParsedFile(source=source, tree=tree, functions=functions)
