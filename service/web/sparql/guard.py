"""What a SPARQL query may ask of the server, decided before anything evaluates it.

Refused: updates (the graph is built from the documents; only a rebuild may
change it), SERVICE (it would make the server fetch other hosts for a
client: an SSRF with full read), and brackets nested deeper than
``POLICYKG_SPARQL_MAX_NESTING`` (128): oxigraph's parser recurses per level
and overflows its stack near 2,500, which kills the process.

SERVICE is refused by two independent readings of the query, and the
processes that evaluate have no network besides (service/web/sparql/worker_network.py),
so a reading both of them get wrong still reaches nothing:

1. ``check_read_only`` reads the text with the SPARQL grammar's own token
   definitions (IRIs, strings, prefixed names with their ``\\#`` escapes,
   comments ending at CR or LF) and looks for the keyword among what is
   left; an escaped spelling (``\\u0053ERVICE``) counts too. An earlier
   scan read IRIs more narrowly than the grammar (no ``\\u`` escapes, no
   U+3000, U+00A0, U+2028), so a ``#`` inside such an IRI began a
   "comment" that hid a real SERVICE from it.
2. ``check_no_service_by_parser`` asks oxigraph's own parser: every
   occurrence of the word, in any case or escape, is changed into a word
   that is no keyword. If the query parsed before and no longer parses,
   the word was the keyword. This reading cannot disagree with the parser
   about where IRIs, strings and comments are: it is the parser.
"""

from __future__ import annotations

import logging
import re

from ... import settings

log = logging.getLogger("policykg.sparql")


class Refused(Exception):
    """A query the endpoint will not run; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


SERVICE_REFUSED = ("SERVICE (federated query) is not allowed: this endpoint never fetches other hosts. "
                   "Remove the SERVICE clause.")

# -- 1. the text, read with the grammar's terminals (SPARQL 1.1 §19.8) -----------------------------

_HEX = r"[0-9A-Fa-f]"
_UCHAR = rf"\\u{_HEX}{{4}}|\\U{_HEX}{{8}}"
_PN_CHARS_BASE = ("A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D"
                  "\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\U00010000-\U000EFFFF")
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + r"\-0-9\u00B7\u0300-\u036F\u203F-\u2040"
_PLX = rf"%{_HEX}{{2}}|\\[_~.\-!$&'()*+,;=/?#@%]"

# Everything that is not syntax, blanked before looking for keywords. Names
# are read as whole runs of name characters, dots, colons and PLX escapes
# (a run is read once, from its start: no quadratic rescans of a long word);
# a run holding a colon is a prefixed name (ex:it\'s holds no string,
# ex:a\#b no comment), blanked; any other run may be a keyword, kept.
_OPAQUE = re.compile(
    "|".join([
        r"<(?:[^<>\"{}|^`\\\x00-\x20]|" + _UCHAR + r")*>",        # IRIREF (escapes and any non-ASCII allowed)
        rf"_:[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?",  # BLANK_NODE_LABEL
        r"[?$][" + _PN_CHARS_U + r"0-9][" + _PN_CHARS_U + r"0-9\u00B7\u0300-\u036F\u203F-\u2040]*",  # VAR
        r'"""(?:[^"\\]|\\.|"(?!""))*"""',
        r"'''(?:[^'\\]|\\.|'(?!''))*'''",
        r'"(?:[^"\\\n\r]|\\.)*"',
        r"'(?:[^'\\\n\r]|\\.)*'",
        r"@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*",                           # LANGTAG
        r"#[^\r\n]*",                                              # a comment ends at CR as well as LF
        rf"(?:[{_PN_CHARS}.:]|{_PLX})+",                            # a name, a keyword or a number
    ]),
    re.S,
)


def _blank(m: re.Match[str]) -> str:
    token = m.group()
    if token[0] not in "<_?$\"\'@#" and ":" not in token:
        return token  # a bare word: perhaps a keyword
    return " "


# A keyword is a bare word: not part of a longer word or name.
_UPDATE = re.compile(r"(?<![\w?$:@-])(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY)(?![\w:-])", re.I)
_SERVICE = re.compile(r"(?<![\w?$:@-])SERVICE(?![\w:-])", re.I)
_CODEPOINT = re.compile(_UCHAR)
_BRACKET = re.compile(r"<<|>>|[{(\[\]})]")
_OPENERS = {"{", "(", "[", "<<"}


def _unescape(text: str) -> str:
    def one(m: re.Match[str]) -> str:
        cp = int(m.group()[2:], 16)
        return chr(cp) if cp < 0x110000 and not 0xD800 <= cp < 0xE000 else m.group()

    return _CODEPOINT.sub(one, text)


def max_nesting() -> int:
    return settings.get("POLICYKG_SPARQL_MAX_NESTING")


def check_read_only(query: str, nesting_limit: int | None = None) -> None:
    """Raise ``Refused`` for updates, SERVICE and too deep nesting; otherwise return."""
    bare = _unescape(_OPAQUE.sub(_blank, query))
    if _SERVICE.search(bare):
        raise Refused(400, SERVICE_REFUSED)
    m = _UPDATE.search(bare)
    if m:
        raise Refused(400, f"This endpoint is read-only: {m.group(1).upper()} is a SPARQL Update operation and "
                           "is refused. Send a SELECT, ASK, CONSTRUCT or DESCRIBE query.")
    limit = max_nesting() if nesting_limit is None else nesting_limit
    depth = deepest = 0
    for b in _BRACKET.finditer(bare):
        depth = depth + 1 if b.group() in _OPENERS else max(depth - 1, 0)
        if depth > deepest:
            deepest = depth
            if deepest > limit:
                raise Refused(400, f"The query nests brackets more than {limit} levels deep "
                                   "(POLICYKG_SPARQL_MAX_NESTING); flatten it.")


# -- 2. the parser's own reading --------------------------------------------------------------------

def _letter(c: str) -> str:
    forms = [re.escape(c.lower()), re.escape(c.upper())]
    for cp in (ord(c.lower()), ord(c.upper())):
        forms += [rf"\\u{cp:04x}", rf"\\U{cp:08x}"]
    return "(?:" + "|".join(forms) + ")"


# "service" in any case, each letter possibly a \u / \U escape (hex digits in any case)
_SERVICE_WORD = re.compile("".join(_letter(c) for c in "service"), re.I)


def _defang(m: re.Match[str]) -> str:
    word = _unescape(m.group())
    return word[0] + ("X" if word[1].isupper() else "x") + word[2:]  # same case: prefixes are case-sensitive


_probe: bool | None = None


def _parse_only(query: str) -> bool:
    """True if oxigraph parses ``query``; nothing is evaluated.

    pyoxigraph has no parse-only call, but ``Store.query`` parses before it
    checks its dataset arguments, and refuses this pair of them (a ValueError)
    before evaluating anything.
    """
    import pyoxigraph as ox

    try:
        _EMPTY().query(query, use_default_graph_as_union=True, default_graph=ox.DefaultGraph())
    except SyntaxError:
        return False
    except ValueError:
        return True
    raise RuntimeError("pyoxigraph evaluated a query it was expected to refuse")  # _parser_usable() rules it out


def _EMPTY():  # noqa: N802 - one empty store per process, made on first use
    global _empty_store
    if _empty_store is None:
        import pyoxigraph as ox

        _empty_store = ox.Store()
    return _empty_store


_empty_store = None


def _parser_usable() -> bool:
    """Does ``_parse_only`` behave as described in this pyoxigraph? Checked once per process."""
    global _probe
    if _probe is None:
        try:
            _probe = _parse_only("ASK {}") and not _parse_only("ASK {")
        except RuntimeError:
            _probe = False
        if not _probe:
            log.warning("pyoxigraph no longer parses without evaluating as expected: every query holding the "
                        "word 'service' in any spelling is refused instead")
    return _probe


def check_no_service_by_parser(query: str) -> None:
    """Raise ``Refused`` if oxigraph's parser reads a SERVICE keyword in ``query``."""
    if not _SERVICE_WORD.search(query):
        return
    if not _parser_usable():
        raise Refused(400, SERVICE_REFUSED + " (The word 'service' cannot be told from the keyword here: "
                                             "avoid it in names and strings.)")
    defanged = _SERVICE_WORD.sub(_defang, query)
    if not _parse_only(defanged) and _parse_only(query):
        raise Refused(400, SERVICE_REFUSED)
