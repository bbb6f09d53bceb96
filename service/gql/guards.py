"""GraphQL guards added on top of limits.py: string size, answer size (cost), production mode.

- No argument string (literal or variable) may exceed ``POLICYKG_MAX_STRING``
  characters (1000): names, ids, cursors and search words are short, and a
  100 kB string only costs the server (normalizing, matching) while no
  answer could ever match it. Refused before execution, with the size named.
- The estimated size of an answer may not exceed ``POLICYKG_MAX_COST``
  (200000 objects). Depth alone does not bound work: ``cities {
  organizations { measures { responsibilities { organization { measures
  ...`` stays within the depth limit yet multiplies lists of hundreds, and
  the execution deadline cannot stop it (graphql-core completes each level
  in one go between two deadline checks; one such query held a server for
  minutes and 2 GB). The estimate counts every field once per object it
  will be resolved on: a paged field by its ``first`` (or its default), any
  other list by ``POLICYKG_LIST_FACTOR`` (20). Refused before execution.
- Before any validation rule runs, the document's size once every fragment
  is spread may not exceed ``POLICYKG_MAX_EXPANDED`` selections (10000),
  counted with each fragment's size computed once: nested spreads (``...F9``
  four times in ``F10``, and so on) multiply, and the depth and alias rules
  walk every copy. A 543-byte query of that shape stalled the server for
  seconds, an 863-byte one froze it. Integer literals over 50 digits are
  refused too (Python will not even convert one of 5000).
- ``POLICYKG_PRODUCTION=1`` switches off introspection (``__schema``,
  ``__type``) and GraphiQL: a public deployment need not hand out its schema
  for automated probing; the contract's schema.graphql documents it instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLList,
    GraphQLNonNull,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    VariableNode,
    get_named_type,
    value_from_ast_untyped,
    visit,
)
from graphql.language import Visitor
from strawberry.extensions import DisableIntrospection, SchemaExtension

from .. import settings
from .connections import MAX_FIRST
from .text_cache import TextCache

def production() -> bool:
    return settings.get("POLICYKG_PRODUCTION")


def _too_long(limit: int, what: str, length: int) -> GraphQLError:
    return GraphQLError(f"{what} is {length} characters long; the limit is {limit} (POLICYKG_MAX_STRING). "
                        "Send a shorter value.")


def _check_value(value: Any, limit: int, where: str, depth: int = 0) -> None:
    if isinstance(value, str):
        if len(value) > limit:
            raise _too_long(limit, f"Variable `{where}`", len(value))
    elif depth > 20:  # nested lists of lists: no argument of this schema goes this deep
        raise GraphQLError(f"Variable `{where}` is nested more than 20 levels deep.")
    elif isinstance(value, dict):
        for k, v in value.items():
            _check_value(v, limit, f"{where}.{k}", depth + 1)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _check_value(v, limit, f"{where}[{i}]", depth + 1)


class _LongStrings(Visitor):
    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit
        self.longest = 0

    def enter_string_value(self, node: StringValueNode, *_: Any) -> None:
        self.longest = max(self.longest, len(node.value))


class MaxStringLength(SchemaExtension):
    """Refuse over-long strings in variables (before parsing) and literals (after)."""

    def __init__(self, limit: int, memo: TextCache | None = None) -> None:
        self.limit = limit
        self.memo = memo if memo is not None else TextCache()  # query text -> its longest string literal

    def on_operation(self) -> Iterator[None]:
        variables = self.execution_context.variables or {}
        if isinstance(variables, dict):
            for name, value in variables.items():
                _check_value(value, self.limit, f"${name}")
        yield

    def on_validate(self) -> Iterator[None]:
        ec = self.execution_context
        document = ec.graphql_document
        if document is not None:
            longest = (self.memo.get(ec.query, lambda: _longest_literal(document)) if ec.query
                       else _longest_literal(document))
            if longest > self.limit:
                raise _too_long(self.limit, "A string argument", longest)
        yield


def _longest_literal(document: Any) -> int:
    visitor = _LongStrings(0)
    visit(document, visitor)
    return visitor.longest


MAX_INT_DIGITS = 50  # an Int is 32 bits (10 digits); Python refuses to convert over 4300


def expanded_size(document: Any, limit: int) -> int:
    """Selections the document's operations hold once every fragment is spread (at most ``limit + 1``).

    Each fragment's size is computed once and reused at every spread, so the
    count costs the size of the text, not of the expansion. A spread of a
    fragment being expanded (a cycle, which validation refuses) counts 1.
    """
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    sizes: dict[str, int] = {}

    def size(selection_set: SelectionSetNode, visiting: frozenset[str]) -> int:
        total = 0
        for sel in selection_set.selections:
            if isinstance(sel, FieldNode):
                total += 1 + (size(sel.selection_set, visiting) if sel.selection_set is not None else 0)
            elif isinstance(sel, InlineFragmentNode):
                total += size(sel.selection_set, visiting)
            elif isinstance(sel, FragmentSpreadNode):
                name = sel.name.value
                if name not in sizes and name not in visiting and name in fragments:
                    sizes[name] = size(fragments[name].selection_set, visiting | {name})
                total += 1 + sizes.get(name, 0)
        return total

    try:
        total = sum(size(d.selection_set, frozenset()) for d in document.definitions
                    if isinstance(d, OperationDefinitionNode))
    except RecursionError:  # nested deeper than any limit allows: it is refused either way
        return limit + 1
    return min(total, limit + 1)


class _LongInts(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.longest = 0

    def enter_int_value(self, node: IntValueNode, *_: Any) -> None:
        self.longest = max(self.longest, len(node.value.lstrip("-")))


def _shape_problem(document: Any, max_expanded: int) -> str | None:
    if expanded_size(document, max_expanded) > max_expanded:
        return (f"This query holds more than {max_expanded} fields once its fragments are spread "
                "(POLICYKG_MAX_EXPANDED): fragments spread inside fragments multiply. Spread fewer.")
    ints = _LongInts()
    visit(document, ints)
    if ints.longest > MAX_INT_DIGITS:
        return f"An integer argument has {ints.longest} digits; Int holds at most 10 (32 bits)."
    return None


class DocumentShape(SchemaExtension):
    """Refuse, before any validation rule walks it, a document too large once its fragments are spread.

    Must come before the validation cache in the extension list: that one
    validates when its hook is entered.
    """

    def __init__(self, max_expanded: int, memo: TextCache | None = None) -> None:
        self.max_expanded = max_expanded
        self.memo = memo if memo is not None else TextCache()  # query text -> its problem, or None

    def on_validate(self) -> Iterator[None]:
        ec = self.execution_context
        document = ec.graphql_document
        if document is not None:
            problem = (self.memo.get(ec.query, lambda: _shape_problem(document, self.max_expanded)) if ec.query
                       else _shape_problem(document, self.max_expanded))
            if problem:
                raise GraphQLError(problem)
        yield


def document_shape() -> Callable[[], SchemaExtension]:
    """The factory service/gql/limits.py puts first among the validation hooks."""
    limit = settings.get("POLICYKG_MAX_EXPANDED")
    memo = TextCache(name="shape")
    return lambda: DocumentShape(limit, memo)


class _CostTooHigh(Exception):
    pass


class _Cost:
    """Estimated objects an operation resolves; stops counting past the budget.

    Every step adds at least 1, so the walk itself is bounded by the budget
    even when fragments spread each other many times over.
    """

    def __init__(self, schema: GraphQLSchema, fragments: dict[str, FragmentDefinitionNode],
                 variables: dict[str, Any], list_factor: int, budget: int) -> None:
        self.schema, self.fragments, self.variables = schema, fragments, variables
        self.list_factor, self.budget = list_factor, budget
        self.total = 0

    def _first(self, node: FieldNode, default: Any) -> int | None:
        for arg in node.arguments or ():
            if arg.name.value != "first":
                continue
            value = arg.value
            if isinstance(value, IntValueNode):
                return int(value.value)
            if isinstance(value, VariableNode):
                v = self.variables.get(value.name.value)
                return v if isinstance(v, int) else default
            return default
        return default

    def walk(self, selection_set: SelectionSetNode, parent: Any, mult: int, paged: bool,
             spreading: frozenset[str] = frozenset()) -> None:
        for sel in selection_set.selections:
            if isinstance(sel, FieldNode):
                name = sel.name.value
                fields = getattr(parent, "fields", None) or {}
                if name.startswith("__") or name not in fields:
                    self._add(mult)  # introspection is bounded by the depth limit; unknown fields by validation
                    continue
                field = fields[name]
                ftype = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
                child_paged = paged
                if "first" in field.args:
                    default = field.args["first"].default_value
                    first = self._first(sel, default if isinstance(default, int) else self.list_factor)
                    # over MAX_FIRST is refused by the resolver itself, with a clearer message
                    first = min(first if first is not None else self.list_factor, MAX_FIRST)
                    factor, child_paged = max(first, 1), True
                elif isinstance(ftype, GraphQLList):
                    # the edges/nodes list of a paged field is already counted by its `first`
                    factor, child_paged = (1 if paged else self.list_factor), False
                else:
                    factor = 1
                self._add(mult * factor)
                if sel.selection_set is not None:
                    self.walk(sel.selection_set, get_named_type(field.type), mult * factor, child_paged, spreading)
            elif isinstance(sel, InlineFragmentNode):
                target = self.schema.get_type(sel.type_condition.name.value) if sel.type_condition else parent
                self.walk(sel.selection_set, target or parent, mult, paged, spreading)
            elif isinstance(sel, FragmentSpreadNode):
                name = sel.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in spreading:  # cycles are refused by validation
                    continue
                target = self.schema.get_type(fragment.type_condition.name.value) or parent
                self.walk(fragment.selection_set, target, mult, paged, spreading | {name})

    def _add(self, n: int) -> None:
        self.total += n
        if self.total > self.budget:
            raise _CostTooHigh


class MaxCost(SchemaExtension):
    """Refuse, before execution, operations whose answer would be too large to build."""

    def __init__(self, budget: int, list_factor: int, memo: TextCache | None = None) -> None:
        self.budget = budget
        self.list_factor = list_factor
        self.memo = memo if memo is not None else TextCache()  # (query text, operation) -> over budget?

    def on_execute(self) -> Iterator[None]:
        ec = self.execution_context
        document = ec.graphql_document
        if document is not None:
            if ec.variables or not ec.query:  # a variable may set `first`: count afresh
                too_high = self._too_high(ec, document)
            else:
                too_high = self.memo.get((ec.query, ec.operation_name), lambda: self._too_high(ec, document))
            if too_high:
                raise GraphQLError(
                    f"This query would resolve more than {self.budget} objects (POLICYKG_MAX_COST): "
                    "nested lists multiply. Ask for fewer nested lists, or smaller `first`, and page "
                    "with `after`.")
        yield

    def _too_high(self, ec: Any, document: Any) -> bool:
        ops = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        if ec.operation_name:
            ops = [o for o in ops if o.name is not None and o.name.value == ec.operation_name]
        if len(ops) == 1:
            schema: GraphQLSchema = ec.schema._schema
            root = schema.get_root_type(ops[0].operation)
            fragments = {d.name.value: d for d in document.definitions
                         if isinstance(d, FragmentDefinitionNode)}
            # what `first: $n` will be: the value sent, else the default the operation declares
            variables = {d.variable.name.value: value_from_ast_untyped(d.default_value)
                         for d in ops[0].variable_definitions or () if d.default_value is not None}
            if isinstance(ec.variables, dict):
                variables.update(ec.variables)
            cost = _Cost(schema, fragments, variables, self.list_factor, self.budget)
            try:
                cost.walk(ops[0].selection_set, root, 1, False)
            except _CostTooHigh:
                return True
        return False


def guard_extensions(is_production: bool | None = None) -> list[Callable[[], SchemaExtension]]:
    """Extension factories to append to the schema's own (service/gql/limits.py)."""
    limit = settings.get("POLICYKG_MAX_STRING")
    budget = settings.get("POLICYKG_MAX_COST")
    factor = settings.get("POLICYKG_LIST_FACTOR")
    # the memos outlive requests (an extension is made per request) and belong to this schema
    strings, costs = TextCache(name="strings"), TextCache(name="cost")
    exts: list[Callable[[], SchemaExtension]] = [lambda: MaxStringLength(limit, strings),
                                                 lambda: MaxCost(budget, factor, costs)]
    if production() if is_production is None else is_production:
        exts.append(DisableIntrospection)
    return exts
