"""Decode the bytes of a text file: UTF-8 (with or without BOM), UTF-16/32 with BOM, and the
legacy Kazakh code pages KZ-1048 and Windows-1251; failing those, other legacy code pages
(KOI8-R, CP866, Western and Greek code pages...) as charset-normalizer detects them.

Never guess silently wrong: a legacy decoding is accepted only when the text it gives looks
like real Cyrillic (or Latin) writing; otherwise `EncodingUndetermined` is raised and the file
is skipped with a reason.

KZ-1048 vs Windows-1251: the two code pages agree except at 16 byte values, where KZ-1048 has
the Kazakh letters (Қ Һ Ұ Ә Ө Ғ Ү Ң and lower case) and Windows-1251 has Serbian, Macedonian,
Ukrainian and Belarusian letters (Ќ Ћ Ў Ј Ґ Є Ї Ѕ...). When those bytes occur, the decoding in
which they read as letters expected in Kazakh/Russian text inside Cyrillic words wins. When
they do not occur, both decodings are identical and the file is reported as Windows-1251 (such
text types Kazakh letters with look-alikes, which normalisation folds later).
"""

from __future__ import annotations

import codecs
import re
import unicodedata

import charset_normalizer

# Byte values whose meaning differs between KZ-1048 and Windows-1251.
DIFFERING_BYTES = bytes(
    [0x8D, 0x8E, 0x9D, 0x9E, 0xA1, 0xA2, 0xA3, 0xA5, 0xAA, 0xAF, 0xB4, 0xBA, 0xBC, 0xBD, 0xBE, 0xBF]
)

RUSSIAN = set("абвгдеёжзийклмнопрстуфхцчшщъыьэюя")
KAZAKH_EXTRA = set("әғқңөұүһі")
EXPECTED_CYRILLIC = RUSSIAN | KAZAKH_EXTRA
# Punctuation and symbols ordinary in Kazakh/Russian typing (besides ASCII).
COMMON_PUNCT = set("«»–—„“”‘’‚…№•°§±×\u00a0\u00ad·©®™€")

SAMPLE_BYTES = 1 << 20  # score at most the first MiB; enough to decide
# charset-normalizer's guess is taken only when its mess ratio is at most MAX_CHAOS and it
# recognised the language with coherence at least MIN_COHERENCE (Turkish cp1254 read as
# Latin-6 scores 0.21; right readings of French, German, Greek, Russian 0.33-0.53).
MAX_CHAOS = 0.1
MIN_COHERENCE = 0.3


class EncodingUndetermined(ValueError):
    """No encoding gives plausible text."""


class BinaryContent(ValueError):
    """The bytes are not text at all (NUL bytes, control characters)."""


def _bom(data: bytes) -> str | None:
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith(codecs.BOM_UTF32_LE) or data.startswith(codecs.BOM_UTF32_BE):
        return "utf-32"
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    return None


_CONTROL_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def _control_ratio(text: str) -> float:
    """Share of control characters (C0 except whitespace, DEL, C1): binary content."""
    if not text:
        return 0.0
    return len(_CONTROL_RE.findall(text)) / len(text)


def plausibility(text: str) -> float:
    """0..1: how much `text` looks like human writing (Cyrillic or Latin), not mojibake.

    Counts, over the non-ASCII characters, those that are letters expected in Kazakh/Russian
    (full weight) or other letters of the word's own script (half weight), or ordinary
    punctuation; symbols, C1 controls and letters of a foreign script inside a word count
    against. Words with impossible capitalisation (`РўРѕ`) count against too.
    """
    sample = text[:SAMPLE_BYTES]
    nonascii = 0
    good = 0.0
    for ch in sample:
        if ord(ch) < 128:
            continue
        nonascii += 1
        low = ch.lower()
        if low in EXPECTED_CYRILLIC or ch in COMMON_PUNCT:
            good += 1
        elif ch.isalpha():
            name = unicodedata.name(ch, "")
            good += 0.5 if ("CYRILLIC" in name or "LATIN" in name) else 0.0
    if nonascii == 0:
        return 1.0
    return (good / nonascii) * word_score(sample)


def word_score(sample: str) -> float:
    """Share of the words with non-ASCII letters whose capitalisation and script are possible.

    A Latin word with a Cyrillic letter inside is the signature of a Western text read as
    cp1251 ("cafй"); Cyrillic words with a few Latin look-alikes are normal."""
    words = 0
    weird = 0
    for word in sample.split():
        letters = [c for c in word if c.isalpha()]
        if len(letters) < 2 or all(ord(c) < 128 for c in letters):
            continue
        words += 1
        w = "".join(letters)
        cyr = sum(1 for c in letters if "CYRILLIC" in unicodedata.name(c, ""))
        lat = len(letters) - cyr
        case_ok = w.islower() or w.isupper() or (w[0].isupper() and w[1:].islower())
        script_ok = not (lat > cyr and cyr > 0)
        if not (case_ok and script_ok):
            weird += 1
    return 1.0 - (weird / words if words else 0.0)


def _kazakh_evidence(text: str) -> bool:
    """Is a KZ-1048 reading believable as Kazakh? Kazakh prose always uses 'ы' (about 5 % of
    letters); Ukrainian and Serbian, whose Windows-1251 letters ї є ґ ј ѕ sit at the bytes
    KZ-1048 gives to ү ғ ө ә ң, never do. Short texts (< 300 letters) get the benefit of doubt."""
    sample = text[:SAMPLE_BYTES].lower()
    letters = sum(1 for c in sample if c.isalpha())
    if letters < 300:
        return True
    return sample.count("ы") >= letters * 0.003


def decode_bytes(data: bytes, threshold: float = 0.85) -> tuple[str, str]:
    """Return (text, encoding name). Raises BinaryContent or EncodingUndetermined."""
    bom = _bom(data)
    if bom:
        try:
            text = data.decode(bom)
        except UnicodeDecodeError as exc:
            raise EncodingUndetermined(
                f"{bom} byte-order mark but invalid {bom} data: {exc.reason}"
            ) from None
        if _control_ratio(text[:SAMPLE_BYTES]) > 0.01:
            raise BinaryContent("not text (control characters)")
        return text, bom
    head = data[:8192]
    if b"\x00" in head:
        raise BinaryContent("binary file (NUL bytes)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    else:
        if _control_ratio(text[:SAMPLE_BYTES]) > 0.01:
            raise BinaryContent("not text (control characters)")
        return text, "utf-8"

    # Mostly valid UTF-8 with a few broken bytes is damaged UTF-8, not a legacy code page.
    sample = data[:SAMPLE_BYTES]
    lossy = sample.decode("utf-8", errors="replace")
    bad = lossy.count("\ufffd")
    multibyte = sum(1 for ch in lossy if ord(ch) >= 128 and ch != "\ufffd")
    if multibyte >= 20 and bad < multibyte * 0.05:
        raise EncodingUndetermined(
            f"encoding could not be determined: mostly UTF-8 but invalid at byte {utf8_error.start}"
        )

    candidates: list[tuple[float, str, str]] = []
    for enc in ("kz1048", "cp1251"):
        try:
            decoded = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if _control_ratio(decoded[:SAMPLE_BYTES]) > 0.01:
            continue
        score = plausibility(decoded)
        if enc == "kz1048" and not _kazakh_evidence(decoded):
            score *= 0.5
        candidates.append((score, enc, decoded))
    if len(candidates) == 2 and candidates[0][2] == candidates[1][2]:
        # No differing byte: identical text; report the general code page.
        candidates = [c for c in candidates if c[1] == "cp1251"]
    candidates.sort(key=lambda c: (-c[0], c[1] != "kz1048"))
    if candidates and candidates[0][0] >= threshold:
        return candidates[0][2], candidates[0][1]
    other = detect_other(data)
    if other is not None:
        return other
    if not candidates:
        raise EncodingUndetermined(
            "encoding could not be determined (not UTF-8, KZ-1048 or Windows-1251)"
        )
    score, enc, _decoded = candidates[0]
    raise EncodingUndetermined(
        f"encoding could not be determined (best guess {enc} scored {score:.2f})"
    )


def _script(ch: str) -> str:
    return unicodedata.name(ch, "?").split(" ")[0]


def _other_plausible(text: str) -> bool:
    """Does a charset-normalizer decoding read as writing? Its non-ASCII characters are
    letters or ordinary punctuation, and nearly every word keeps to one script and has a
    possible capitalisation (mojibake mixes scripts and cases inside words)."""
    sample = text[:SAMPLE_BYTES]
    if _control_ratio(sample) > 0.01:
        return False
    nonascii = [ch for ch in sample if ord(ch) >= 128]
    if not nonascii:
        return False
    if sum(1 for ch in nonascii if ch.isalpha() or ch in COMMON_PUNCT) < 0.9 * len(nonascii):
        return False
    words = weird = 0
    for word in sample.split():
        letters = [c for c in word if c.isalpha()]
        if len(letters) < 2 or all(ord(c) < 128 for c in letters):
            continue
        words += 1
        w = "".join(letters)
        case_ok = w.islower() or w.isupper() or (w[0].isupper() and w[1:].islower())
        if not case_ok or len({_script(c) for c in letters}) > 1:
            weird += 1
    return words > 0 and weird <= 0.1 * words


def detect_other(data: bytes) -> tuple[str, str] | None:
    """(text, encoding) for a legacy encoding other than KZ-1048/Windows-1251 (KOI8-R, CP866,
    Latin and Greek code pages...), as charset-normalizer guesses it, when the decoding reads
    as writing (`_other_plausible`); otherwise None."""
    best = charset_normalizer.from_bytes(data[:SAMPLE_BYTES]).best()
    if best is None or best.encoding in ("utf_8", "ascii"):
        return None
    if best.chaos > MAX_CHAOS or best.coherence < MIN_COHERENCE:
        return None
    try:
        text = data.decode(best.encoding)
    except (LookupError, UnicodeDecodeError):
        return None
    return (text, best.encoding) if _other_plausible(text) else None


def encoding_label(name: str) -> str:
    """Human name for the summary: kz1048 -> KZ-1048 etc."""
    return {
        "utf-8": "UTF-8",
        "utf-8-sig": "UTF-8 (BOM)",
        "utf-16": "UTF-16 (BOM)",
        "utf-32": "UTF-32 (BOM)",
        "kz1048": "KZ-1048",
        "cp1251": "Windows-1251",
    }.get(name, name)
