"""The embedded article search engine: a tantivy index inside the process, for the local stack and the tests.

Text (why n-grams and how): Korean has no reliable word boundaries without a morphological analyser (OpenSearch
uses nori), so title and contents are indexed as character 1- and 2-grams made by tantivy's own ``NgramTokenizer``
with a ``LowerCaser``. The engine re-numbers the grams' positions by their starting character (tantivy's n-gram
tokenizer puts every gram at position 0) and hands them over pre-tokenized, so a searched word becomes a phrase of
its consecutive bigrams: it matches exactly where the word occurs as a substring, in any case ("스프링" finds
"스프링을", "node.js" finds "Node.js"; "스프 링" is not "스프링"). Whitespace runs count as one space.

Query syntax (why a parser of our own): the legacy API fed the keyword to Elasticsearch ``query_string`` with
default operator AND, and a keyword that syntax could not parse was the 400 "special characters" error
(docs/rules.md#articles-keyword-syntax). tantivy's own query parser has another grammar (it accepts ``!`` and ``/``
alone, rejects ``'``) and cannot build the positioned bigram phrases, so this module parses the keyword itself with the
grammar of Lucene's classic query parser, the one ``query_string`` uses, and raises :class:`InvalidQuery` where that
parser fails:
unbalanced ``( ) [ ] { } "``, a dangling ``! ^ - + ~ :`` or ``AND``/``OR``, an unterminated ``/regex/``, a trailing
``\\``. Everything else parses: ``C#`` and ``node.js`` search for themselves, and a word of punctuation alone
(``@ = # $ % & _ < > , . ; '``) is dropped, as OpenSearch's analysers drop it. Meanings kept:
words are ANDed; ``AND OR NOT && || + - !`` combine clauses as Lucene does with default operator AND; ``( )`` groups;
``"..."`` is a phrase; ``field:`` restricts to ``title`` or ``contents`` (any other field matches nothing, as an
unmapped field does in OpenSearch); ``^n`` boosts; ``*`` and ``?`` split a word into parts that must all occur
(n-grams already match inside words; ``*`` alone matches everything); ``~n`` is accepted and ignored; a
``/regex/`` searches its text literally; a ``[a TO b]`` range matches nothing. Each word is searched in title
(boost 2) and contents and scored by the better field (like ``query_string``'s ``best_fields``), so a title match
ranks above a contents-only one.

Ordering (a top-k, not every match): a page takes out of tantivy about the documents it shows, not the matches.
The sort values are fast fields; ``position`` packs (day of reg_date, id) into one integer that orders as the pair.
LATEST is tantivy's top ``size + 1`` by ``position`` with the cursor as a range condition (``position < cursor``):
one read of ``size + 1`` documents. The counter sorts are the top ``size + 1`` by the counter with the cursor as
``counter < value OR (counter = value AND position < cursor)``, then, because the last value may be shared by
documents that did not make the cut, one more read of at most ``size + 1`` documents of that value by ``position``.
Relevance cannot be a range condition: tantivy's top-k by score reads the best ``k`` matches, ``k`` growing
eightfold from ``size + 2`` until every match scoring above the ``k``-th is in hand and the page is a settled prefix,
so a page reads its rank plus the tie group of its last score, not the matches. ``total`` is tantivy's count of
every match (in Rust), ``has_next`` comes from the extra hit. The matching itself (and the count) still visits every
match inside tantivy, as OpenSearch does for an exact total.
"""

from __future__ import annotations

import json
import math
import re
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from datetime import date
from typing import Literal

import tantivy

from devdevdev.search.port import ArticleDocument, ArticleSort, InvalidQuery, SearchAfter, SearchHit, SearchPage

TOKENIZER = "ko_ngram"
TITLE_BOOST = 2.0
SEARCHED_FIELDS = ("title", "contents")
COUNTERS = ("view_total_count", "recommend_total_count", "comment_total_count", "popular_score")
SORT_FIELD = {
    ArticleSort.POPULAR: "popular_score",
    ArticleSort.MOST_VIEWED: "view_total_count",
    ArticleSort.MOST_COMMENTED: "comment_total_count",
}
# The list order's tie-breakers in one number: the day of reg_date above the id (ids below 2**40, days below 2**22).
_POSITION = "position"
_ID_BITS = 40
_ID_MASK = (1 << _ID_BITS) - 1
# tantivy wants at least 15 MB of indexing memory per writer thread; one thread is plenty for the local index.
WRITER_HEAP_BYTES = 20_000_000


def _analyzer() -> tantivy.TextAnalyzer:
    return tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.ngram(1, 2, False)).filter(tantivy.Filter.lowercase()).build()


# Query syntax -------------------------------------------------------------------------------------------------------
#
# A Lucene classic query-parser grammar (the one Elasticsearch/OpenSearch ``query_string`` extends), reduced to what
# decides "does it parse" and what the embedded engine can mean. Token rules follow the JavaCC grammar: a term starts
# with any character but whitespace and ``+ - ! ( ) : ^ [ ] " { } ~ * ? \\ /`` (or an escape), and may go on with
# ``-`` and ``+``; ``*``/``?`` make it a wildcard term; ``+ - !`` followed by whitespace are a term of their own.

_WHITESPACE = " \t\n\r\u3000"
_NOT_TERM_START = frozenset(_WHITESPACE + '+-!():^[]"{}~*?\\/')
_NUMBER = re.compile(r"\d+(?:\.\d+)?")

_Kind = Literal[
    "WORD", "QUOTED", "REGEX", "RANGE", "LPAREN", "RPAREN", "COLON", "CARAT", "FUZZY", "PLUS", "MINUS", "NOT", "AND",
    "OR", "EOF",
]  # fmt: skip

_PREFIX_OPERATORS: dict[str, _Kind] = {"+": "PLUS", "-": "MINUS", "!": "NOT"}
_PUNCTUATION: dict[str, _Kind] = {"(": "LPAREN", ")": "RPAREN", ":": "COLON"}


@dataclass(frozen=True)
class _Token:
    kind: _Kind
    text: str = ""  # unescaped text (WORD, QUOTED, REGEX)
    parts: tuple[str, ...] = ()  # WORD: the literal pieces between unescaped wildcards
    wild: bool = False  # WORD: has an unescaped * or ?
    boost: float = 1.0  # CARAT
    raw: str = ""  # WORD: as written


@dataclass
class _Text:
    """Text that must occur (every part) in the clause's fields; no parts means every document."""

    parts: tuple[str, ...]
    field: str | None
    boost: float = 1.0


@dataclass
class _Nothing:
    """A clause no document satisfies (a range, an unknown field)."""

    boost: float = 1.0


@dataclass
class _Group:
    """Clauses combined as Lucene's classic parser combines them: ``(occur, node)``."""

    clauses: list[tuple[str, _Node]] = field(default_factory=list)
    boost: float = 1.0


_Node = _Text | _Nothing | _Group


def _invalid(keyword: str) -> InvalidQuery:
    return InvalidQuery(f"cannot parse query: {keyword!r}")


def _lex(keyword: str) -> list[_Token]:
    tokens: list[_Token] = []
    text, i, n = keyword, 0, len(keyword)

    def scan_delimited(start: int, close: str) -> tuple[str, int]:
        """Text up to the unescaped ``close`` (escapes resolved) and the index after it."""
        out: list[str] = []
        j = start
        while j < n:
            ch = text[j]
            if ch == "\\":
                if j + 1 >= n:
                    raise _invalid(keyword)
                out.append(text[j + 1])
                j += 2
            elif ch == close:
                return "".join(out), j + 1
            else:
                out.append(ch)
                j += 1
        raise _invalid(keyword)

    def scan_range(start: int) -> int:
        """``[a TO b]`` / ``{a b}`` in any bracket mix; returns the index after the closing bracket."""
        j = start
        parts: list[str | None] = []  # None marks the TO keyword
        while True:
            while j < n and text[j] in _WHITESPACE:
                j += 1
            if j >= n:
                raise _invalid(keyword)
            if text[j] in "]}":
                j += 1
                break
            if text[j] == '"':
                value, j = scan_delimited(j + 1, '"')
                parts.append(value)
                continue
            k = j
            while k < n and text[k] not in _WHITESPACE and text[k] not in "]}":
                k += 1
            parts.append(None if text[j:k] == "TO" else text[j:k])
            j = k
        # The grammar is: bound [TO] bound.
        bounds = [p for p in parts if p is not None]
        if len(bounds) != 2 or parts not in ([bounds[0], bounds[1]], [bounds[0], None, bounds[1]]):
            raise _invalid(keyword)
        return j

    while i < n:
        ch = text[i]
        if ch in _WHITESPACE:
            i += 1
        elif ch in "+-!":
            if i + 1 < n and text[i + 1] in _WHITESPACE:
                # Lucene's BAREOPER: an operator followed by whitespace is a term of its own.
                tokens.append(_Token("WORD", ch, (ch,), raw=ch))
                i += 2
            else:
                tokens.append(_Token(_PREFIX_OPERATORS[ch]))
                i += 1
        elif ch in "():":
            tokens.append(_Token(_PUNCTUATION[ch]))
            i += 1
        elif ch == "^":
            i += 1
            while i < n and text[i] in _WHITESPACE:
                i += 1
            match = _NUMBER.match(text, i)
            if not match:
                raise _invalid(keyword)
            tokens.append(_Token("CARAT", boost=float(match.group())))
            i = match.end()
        elif ch == "~":
            match = _NUMBER.match(text, i + 1)
            tokens.append(_Token("FUZZY"))
            i = match.end() if match else i + 1
        elif ch == '"':
            value, i = scan_delimited(i + 1, '"')
            tokens.append(_Token("QUOTED", value))
        elif ch == "/":
            value, i = scan_delimited(i + 1, "/")
            tokens.append(_Token("REGEX", value))
        elif ch in "[{":
            i = scan_range(i + 1)
            tokens.append(_Token("RANGE"))
        elif ch in "]}":
            raise _invalid(keyword)
        else:
            # A term (or a wildcard term): any term character, escapes, * and ?.
            start, parts, current, wild = i, [], [], False
            while i < n:
                ch = text[i]
                if ch == "\\":
                    if i + 1 >= n:
                        raise _invalid(keyword)
                    current.append(text[i + 1])
                    i += 2
                elif ch in "*?":
                    wild = True
                    parts.append("".join(current))
                    current = []
                    i += 1
                elif ch not in _NOT_TERM_START or ch in "+-":
                    current.append(ch)
                    i += 1
                else:
                    break
            parts.append("".join(current))
            raw = text[start:i]
            if raw in ("AND", "&&"):
                tokens.append(_Token("AND"))
            elif raw in ("OR", "||"):
                tokens.append(_Token("OR"))
            elif raw == "NOT":
                tokens.append(_Token("NOT"))
            else:
                tokens.append(_Token("WORD", "".join(parts), tuple(parts), wild, raw=raw))
    tokens.append(_Token("EOF"))
    return tokens


_CLAUSE_START = frozenset({"AND", "OR", "PLUS", "MINUS", "NOT", "LPAREN", "QUOTED", "WORD", "REGEX", "RANGE"})


def _normalized(text: str) -> str:
    """Whitespace runs as one space (the index sees text the same way)."""
    return " ".join(text.split())


def _searchable(text: str) -> bool:
    """Whether text has a letter or digit: punctuation alone is dropped, as OpenSearch's analysers drop it (so
    ``자바 ,`` is ``자바`` and ``@`` alone finds nothing)."""
    return any(ch.isalnum() for ch in text)


class _Parser:
    """Recursive descent over the classic grammar: ``Query := Modifiers Clause (Conjunction Modifiers Clause)*``."""

    def __init__(self, keyword: str) -> None:
        self.keyword = keyword
        self.tokens = _lex(keyword)
        self.at = 0

    def peek(self, ahead: int = 0) -> _Token:
        return self.tokens[min(self.at + ahead, len(self.tokens) - 1)]

    def take(self) -> _Token:
        token = self.peek()
        self.at += 1
        return token

    def parse(self) -> _Group:
        group = self.query(None)
        if self.peek().kind != "EOF":
            raise _invalid(self.keyword)
        return group

    def query(self, field_name: str | None) -> _Group:
        group = _Group()
        self.add(group, None, self.modifiers(), self.clause(field_name))
        while self.peek().kind in _CLAUSE_START:
            conjunction = self.take().kind if self.peek().kind in ("AND", "OR") else None
            self.add(group, conjunction, self.modifiers(), self.clause(field_name))
        return group

    def modifiers(self) -> str | None:
        return self.take().kind if self.peek().kind in ("PLUS", "MINUS", "NOT") else None

    @staticmethod
    def add(group: _Group, conjunction: str | None, modifier: str | None, node: _Node | None) -> None:
        """Lucene's ``addClause`` with default operator AND: AND makes the previous clause required, OR makes it
        optional (a prohibited one stays prohibited); ``-``/``!``/NOT prohibit; a clause after OR is optional."""
        if group.clauses and conjunction in ("AND", "OR"):
            occur, previous = group.clauses[-1]
            if occur != "must_not":
                group.clauses[-1] = ("must" if conjunction == "AND" else "should", previous)
        if node is None:  # text that analyses to nothing (e.g. "")
            return
        if modifier in ("MINUS", "NOT"):
            group.clauses.append(("must_not", node))
        else:
            group.clauses.append(("should" if conjunction == "OR" else "must", node))

    def boost(self) -> float:
        return self.take().boost if self.peek().kind == "CARAT" else 1.0

    def clause(self, field_name: str | None) -> _Node | None:
        token = self.peek()
        # Only a plain term or ``*`` names a field (``ti*:x`` does not parse in Lucene either).
        if token.kind == "WORD" and self.peek(1).kind == "COLON" and (not token.wild or token.raw == "*"):
            field_name = token.raw if token.wild else token.text
            self.at += 2
        if self.peek().kind == "LPAREN":
            self.take()
            group = self.query(field_name)
            if self.take().kind != "RPAREN":
                raise _invalid(self.keyword)
            group.boost = self.boost()
            return group
        return self.term(field_name)

    def term(self, field_name: str | None) -> _Node | None:
        token = self.take()
        boost = 1.0
        if token.kind in ("WORD", "REGEX"):
            if self.peek().kind == "CARAT":
                boost = self.boost()
                if self.peek().kind == "FUZZY":
                    self.take()
            elif self.peek().kind == "FUZZY":
                self.take()
                boost = self.boost()
        elif token.kind == "QUOTED":
            if self.peek().kind == "FUZZY":
                self.take()
            boost = self.boost()
        elif token.kind == "RANGE":
            return _Nothing(self.boost())
        else:
            raise _invalid(self.keyword)
        if field_name not in (None, "*", *SEARCHED_FIELDS):
            return _Nothing(boost)
        target = None if field_name in (None, "*") else field_name
        if token.kind == "WORD" and token.wild:
            parts = tuple(p for p in map(_normalized, token.parts) if _searchable(p))
            return _Text(parts, target, boost)  # no parts: a bare wildcard, every document
        text = _normalized(token.text)
        return _Text((text,), target, boost) if _searchable(text) else None


def parse_keyword(keyword: str) -> _Group:
    """The keyword as ``query_string`` (default operator AND) would read it; :class:`InvalidQuery` where that syntax
    fails (docs/rules.md#articles-keyword-syntax)."""
    return _Parser(keyword).parse()


# The engine ---------------------------------------------------------------------------------------------------------


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("elastic_id", stored=True, tokenizer_name="raw")
    builder.add_integer_field("id", stored=True, indexed=True, fast=True)
    builder.add_integer_field("company_id", stored=True, indexed=True, fast=True)
    builder.add_text_field("reg_date", stored=True, tokenizer_name="raw")
    # The day number orders and compares dates (text fast fields cannot be read back from Python).
    builder.add_integer_field("reg_day", indexed=False, fast=True)
    # (reg_date, id) as one number: the order of LATEST and the tie-breaker of the others, a fast field to sort on
    # and to put a cursor's range condition on.
    builder.add_integer_field(_POSITION, indexed=False, fast=True)
    for counter in COUNTERS:
        builder.add_integer_field(counter, stored=True, fast=True)
    for name in SEARCHED_FIELDS:
        # Not stored: the grams would be stored with the text; ``source`` keeps the document instead.
        builder.add_text_field(name, stored=False, tokenizer_name=TOKENIZER)
    builder.add_bytes_field("source", stored=True)
    return builder.build()


def _day(reg_date: str) -> int:
    return date.fromisoformat(reg_date).toordinal()


def _position(day: int, article_id: int) -> int:
    """(day, id) as one integer that orders as the pair does."""
    if not 0 <= article_id <= _ID_MASK:
        raise ValueError(f"article id out of range: {article_id}")
    return (day << _ID_BITS) | article_id


# How many (keyword, company) totals an engine keeps for one generation of the index.
_TOTALS_KEPT = 256

# A matched document in a page's order: its relevance score (when ordered by it), its position and its address.
_Keyed = tuple[float | None, int, tantivy.DocAddress]


def _matched(result: tantivy.SearchResult) -> int:
    """How many documents matched a ``search(..., count=True)`` (tantivy's type stubs leave ``count`` out)."""
    return int(result.count or 0)  # type: ignore[attr-defined]


class EmbeddedSearch:
    """:class:`~devdevdev.search.port.SearchEngine` on an in-process tantivy index (see the module docstring).

    In memory by default, or in ``path`` (a directory) to survive restarts; one process may open a directory at a time.
    Thread-safe: writes are serialised and committed, and the reader reloaded before they return, so the next search
    sees them; searches run concurrently on snapshots. An idle engine holds no threads and little memory."""

    def __init__(self, path: str | None = None) -> None:
        self._schema = _schema()
        self._index = tantivy.Index(self._schema, path=path, reuse=True)
        self._index.register_tokenizer(TOKENIZER, _analyzer())
        self._write_lock = threading.Lock()
        self._local = threading.local()  # one analyzer per thread: a tantivy analyzer is not shareable across threads
        # ``total`` of recent (keyword, company) searches, valid for one generation of the index (bumped by writes):
        # a cursor page reuses its first page's count instead of counting every match again.
        self._generation = 0
        self._totals: dict[tuple[int, str | None, int | None], int] = {}
        self._index.reload()

    # Text ---------------------------------------------------------------------------------------------------------

    def _analyze(self, text: str) -> list[tantivy.Token]:
        analyzer = getattr(self._local, "analyzer", None)
        if analyzer is None:
            analyzer = self._local.analyzer = _analyzer()
        return analyzer.pre_tokenize(text).tokens

    def _positioned(self, text: str) -> list[tantivy.Token]:
        """The 1- and 2-grams of ``text``, each at the position of its first character."""
        positioned, position, start = [], -1, None
        for token in self._analyze(_normalized(text)):  # grams come ordered by their first character
            if token.char_offset_from != start:
                position, start = position + 1, token.char_offset_from
            positioned.append(tantivy.Token(token.text, position, token.char_offset_from, token.char_offset_to))
        return positioned

    def _grams(self, text: str) -> list[tuple[int, str]]:
        """What to look for to find ``text`` as a substring: its bigrams in a row, or its one unigram."""
        longest: dict[int, tantivy.Token] = {}
        for token in self._positioned(text):
            kept = longest.get(token.position)
            if kept is None or token.char_offset_to > kept.char_offset_to:
                longest[token.position] = token
        if len(longest) == 1:
            return [(0, longest[0].text)]
        return [(position, longest[position].text) for position in range(len(longest) - 1)]

    # Queries ------------------------------------------------------------------------------------------------------

    def _text_query(self, text: str, field_name: str) -> tantivy.Query:
        grams = self._grams(text)
        if len(grams) == 1:
            return tantivy.Query.term_query(self._schema, field_name, grams[0][1])
        words: list[str | tuple[int, str]] = list(grams)
        return tantivy.Query.phrase_query(self._schema, field_name, words)

    def _fields_query(self, text: str, field_name: str | None) -> tantivy.Query:
        if field_name is not None:
            return self._text_query(text, field_name)
        title = tantivy.Query.boost_query(self._text_query(text, "title"), TITLE_BOOST)
        return tantivy.Query.disjunction_max_query([title, self._text_query(text, "contents")])

    def _query(self, node: _Node) -> tantivy.Query:
        if isinstance(node, _Nothing):
            query = tantivy.Query.empty_query()
        elif isinstance(node, _Text):
            if not node.parts:
                query = tantivy.Query.all_query()
            elif len(node.parts) == 1:
                query = self._fields_query(node.parts[0], node.field)
            else:
                query = tantivy.Query.boolean_query(
                    [(tantivy.Occur.Must, self._fields_query(p, node.field)) for p in node.parts]
                )
        else:
            occurs = {"must": tantivy.Occur.Must, "should": tantivy.Occur.Should, "must_not": tantivy.Occur.MustNot}
            clauses = [(occurs[occur], self._query(child)) for occur, child in node.clauses]
            if not clauses:
                query = tantivy.Query.empty_query()
            else:
                if all(occur == "must_not" for occur, _ in node.clauses):
                    # A purely negative query means "everything but", as OpenSearch reads it.
                    clauses.append((tantivy.Occur.Must, tantivy.Query.all_query()))
                query = tantivy.Query.boolean_query(clauses)
        return query if node.boost == 1.0 else tantivy.Query.boost_query(query, node.boost)

    # The port -----------------------------------------------------------------------------------------------------

    def _document(self, article: ArticleDocument) -> tantivy.Document:
        document = tantivy.Document()
        document.add_text("elastic_id", article.elastic_id)
        document.add_integer("id", article.id)
        document.add_integer("company_id", article.company_id)
        document.add_text("reg_date", article.reg_date)
        document.add_integer("reg_day", _day(article.reg_date))
        document.add_integer(_POSITION, _position(_day(article.reg_date), article.id))
        for counter in COUNTERS:
            document.add_integer(counter, getattr(article, counter))
        for name in SEARCHED_FIELDS:
            text = getattr(article, name)
            document.add_pre_tokenized_text(name, tantivy.PreTokenizedString(text, self._positioned(text)))
        document.add_bytes("source", json.dumps(asdict(article), ensure_ascii=False).encode())
        return document

    def index(self, documents: list[ArticleDocument]) -> None:
        """Add or replace documents (by ``elastic_id``); committed and visible to the next search."""
        built = [self._document(d) for d in documents]  # outside the lock: analysing text is the slow part

        def write(writer: tantivy.IndexWriter) -> None:
            for article, document in zip(documents, built, strict=True):
                writer.delete_documents_by_term("elastic_id", article.elastic_id)
                writer.add_document(document)

        self._write(write)

    def delete(self, elastic_ids: list[str]) -> None:
        """Remove documents; unknown ids are ignored."""

        def write(writer: tantivy.IndexWriter) -> None:
            for elastic_id in elastic_ids:
                writer.delete_documents_by_term("elastic_id", elastic_id)

        self._write(write)

    def _write(self, operations: Callable[[tantivy.IndexWriter], None]) -> None:
        """Run ``operations`` on a writer of their own, commit, and reload the reader so the next search sees them.

        A writer per write, not one kept open: an open tantivy writer holds half a dozen threads, and a process may
        hold many engines (one per table in the test suite); waiting for its merges keeps the segments few."""
        with self._write_lock:
            writer = self._index.writer(WRITER_HEAP_BYTES, 1)
            try:
                operations(writer)
                writer.commit()
            except BaseException:
                writer.rollback()
                raise
            finally:
                writer.wait_merging_threads()  # also releases the writer now, not whenever a traceback is freed
            self._index.reload()
            self._generation += 1  # after the reload: a count taken under the new generation saw the new index
            self._totals = {}

    def get(self, elastic_id: str) -> ArticleDocument | None:
        """One document by its id, or None."""
        searcher = self._index.searcher()
        hits = searcher.search(tantivy.Query.term_query(self._schema, "elastic_id", elastic_id), 1, count=False).hits
        if not hits:
            return None
        return self._source(searcher, hits[0][1])

    @staticmethod
    def _source(searcher: tantivy.Searcher, address: tantivy.DocAddress) -> ArticleDocument:
        source = json.loads(bytes(searcher.doc(address)["source"][0]))
        # Fields this version does not know (an index directory written by another version) are left out.
        return ArticleDocument(**{f.name: source[f.name] for f in fields(ArticleDocument) if f.name in source})

    def _searcher(self) -> tantivy.Searcher:
        """A snapshot of the index to search (the tests count what a page reads through it)."""
        return self._index.searcher()

    def search(
        self,
        *,
        keyword: str | None,
        company_id: int | None,
        sort: ArticleSort,
        after: SearchAfter | None,
        size: int,
    ) -> SearchPage:
        """One page in the port's order, read as a top-k (see the module docstring)."""
        if keyword is not None and not keyword.strip():
            keyword = None
        query = self._query(parse_keyword(keyword)) if keyword is not None else tantivy.Query.all_query()
        if company_id is not None:
            query = self._all_of(query, tantivy.Query.term_query(self._schema, "company_id", company_id))
        counted = (self._generation, keyword, company_id)  # read before the searcher (see ``_write``)
        searcher = self._searcher()
        if searcher.num_docs == 0:
            return SearchPage(hits=[], total=0, has_next=False)
        size = max(size, 0)
        known = searcher.num_docs if keyword is None and company_id is None else self._totals.get(counted)
        if keyword is not None and sort is ArticleSort.HIGHEST_SCORE:
            total, keyed = self._by_score(searcher, query, after, size + 1, known)
        else:
            total, keyed = self._by_field(searcher, query, SORT_FIELD.get(sort), after, size + 1, known)
        if known is None:
            if len(self._totals) >= _TOTALS_KEPT:
                self._totals = {}
            self._totals[counted] = total
        page = keyed[:size]
        if keyword is not None and sort is not ArticleSort.HIGHEST_SCORE:
            page = self._scored(searcher, query, page)
        hits = [
            SearchHit(
                id=position & _ID_MASK,
                elastic_id=searcher.doc(address)["elastic_id"][0],
                score=score,
            )
            for score, position, address in page
        ]
        return SearchPage(hits=hits, total=total, has_next=len(keyed) > len(page))

    def _scored(self, searcher: tantivy.Searcher, query: tantivy.Query, page: list[_Keyed]) -> list[_Keyed]:
        """``page`` with each hit's relevance score: the query again, restricted to the page's ids (a constant 0 added
        to each score, so the scores are the query's own)."""
        if not page:
            return page
        ids = [position & _ID_MASK for _, position, _ in page]
        only = tantivy.Query.const_score_query(tantivy.Query.term_set_query(self._schema, "id", ids), 0.0)
        found = searcher.search(self._all_of(only, query), len(page), count=False).hits
        scores = {
            position: float(score)
            for (score, _), position in zip(
                found, self._fast_values(searcher, _POSITION, [a for _, a in found]), strict=True
            )
        }
        return [(scores.get(position), position, address) for _, position, address in page]

    @staticmethod
    def _all_of(*queries: tantivy.Query) -> tantivy.Query:
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, q) for q in queries])

    def _below(self, field_name: str, bound: int) -> tantivy.Query:
        """Documents whose integer fast field is strictly below ``bound``."""
        return tantivy.Query.range_query(
            self._schema, field_name, tantivy.FieldType.Integer, None, bound, include_upper=False
        )

    def _equal(self, field_name: str, value: int) -> tantivy.Query:
        return tantivy.Query.range_query(self._schema, field_name, tantivy.FieldType.Integer, value, value)

    @staticmethod
    def _count(searcher: tantivy.Searcher, query: tantivy.Query) -> int:
        return _matched(searcher.search(query, 1, count=True))

    def _by_field(
        self,
        searcher: tantivy.Searcher,
        query: tantivy.Query,
        sort_field: str | None,
        after: SearchAfter | None,
        limit: int,
        total: int | None,
    ) -> tuple[int, list[_Keyed]]:
        """The first ``limit`` matches after ``after`` in (field DESC, reg_date DESC, id DESC) order, and the count of
        every match (``total`` when already known).

        The cursor is a range condition on the fast fields and tantivy keeps the top ``limit`` of the rest ordered by
        one fast field: ``position`` (day and id in one number) for LATEST, so one read of ``limit`` documents is the
        page; the counter for the other sorts, whose last value may be shared by documents that did not make the cut,
        so a second read of at most ``limit`` documents takes that value's documents in ``position`` order."""
        restricted = query
        if after is not None:
            cursor = _position(_day(after.reg_date), after.id)
            if sort_field is None:
                restricted = self._all_of(query, self._below(_POSITION, cursor))
            else:
                value = math.floor(after.value)
                if value == after.value:  # (field, position) < (value, cursor)
                    tail = tantivy.Query.boolean_query(
                        [
                            (tantivy.Occur.Should, self._below(sort_field, value)),
                            (
                                tantivy.Occur.Should,
                                self._all_of(self._equal(sort_field, value), self._below(_POSITION, cursor)),
                            ),
                        ]
                    )
                else:  # a fractional value: every integer at or below its floor is after it
                    tail = self._below(sort_field, value + 1)
                restricted = self._all_of(query, tail)
        count = total is None and after is None
        result = searcher.search(restricted, limit, count=count, order_by_field=sort_field or _POSITION)
        if total is None:
            total = _matched(result) if count else self._count(searcher, query)
        if sort_field is None:  # the hits come with their positions
            return total, [(None, int(position), address) for position, address in result.hits]
        addresses = [address for _, address in result.hits]
        positions = self._fast_values(searcher, _POSITION, addresses)
        values = [int(v) for v, _ in result.hits]
        keyed = sorted(zip(values, positions, addresses, strict=True), key=lambda k: k[:2], reverse=True)
        if len(keyed) == limit:
            last = keyed[-1][0]
            above = [k for k in keyed if k[0] > last]
            ties = searcher.search(
                self._all_of(restricted, self._equal(sort_field, last)),
                limit - len(above),
                count=False,
                order_by_field=_POSITION,
            ).hits
            tied = [address for _, address in ties]
            keyed = above + [
                (last, int(p), a) for p, a in zip(self._fast_values(searcher, _POSITION, tied), tied, strict=True)
            ]
        return total, [(None, p, a) for _, p, a in keyed]

    def _by_score(
        self,
        searcher: tantivy.Searcher,
        query: tantivy.Query,
        after: SearchAfter | None,
        limit: int,
        total: int | None,
    ) -> tuple[int, list[_Keyed]]:
        """The first ``limit`` matches after ``after`` in (score DESC, reg_date DESC, id DESC) order, and the count of
        every match (``total`` when already known).

        A relevance score cannot be a range condition, so tantivy's top-k by score reads the best ``k`` matches, ``k``
        starting at ``limit + 1`` and growing eightfold until the order is settled: every match scoring above the ``k``-th
        score is among the ``k`` read, so the matches after the cursor scoring above it are a prefix of the order;
        when that prefix holds ``limit`` of them (or every match was read) the page is exact. A page costs the number
        of matches scoring at or above its cursor plus ``limit``, not the number of matches."""
        cursor = None if after is None else (after.value, _position(_day(after.reg_date), after.id))
        k = limit + 1  # one more than the page: its last hit must score above the k-th to be settled
        while True:
            result = searcher.search(query, k, count=total is None)
            if total is None:
                total = _matched(result)
            scores = [float(score) for score, _ in result.hits]
            addresses = [address for _, address in result.hits]
            complete = len(addresses) < k or k >= total
            floor = scores[-1] if addresses else 0.0
            keyed = [
                (score, position, address)
                for score, position, address in zip(
                    scores, self._fast_values(searcher, _POSITION, addresses), addresses, strict=True
                )
                if cursor is None or (score, position) < cursor
            ]
            settled = keyed if complete else [entry for entry in keyed if entry[0] > floor]
            if complete or len(settled) >= limit:
                settled.sort(key=lambda entry: entry[:2], reverse=True)
                return total, [(score, position, address) for score, position, address in settled[:limit]]
            k *= 8  # each read is a pass over the matches in tantivy: few passes, a little more read

    @staticmethod
    def _fast_values(searcher: tantivy.Searcher, field_name: str, addresses: list[tantivy.DocAddress]) -> list[int]:
        # Every document has the fast fields, so no value is None.
        return [int(v) for v in searcher.fast_field_values(field_name, addresses)]  # type: ignore[arg-type]
