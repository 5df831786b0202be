"""Encoding detection: BOMs, UTF-8, KZ-1048 vs Windows-1251, refusal of implausible bytes."""

from __future__ import annotations

import codecs
import random

import pytest

from indexer.ingest.encoding import (
    DIFFERING_BYTES,
    BinaryContent,
    EncodingUndetermined,
    decode_bytes,
    plausibility,
)

KAZAKH = (
    "Қазақстан қазір қоғамның барлық тараптарын сапалы терең қайта құру жолында. "
    "Ұлт Көшбасшысының төңірегіне жалпықазақстандық топтасуды дамыту, әлеуметтік "
    "базасын нығайту және өңірлердің үйлесімді өсуі. Һ әрпі сирек кездеседі.\n"
)
# The same text typed on a Russian keyboard with look-alikes (as cp1251 files have it).
LOOKALIKE = (
    "Казакстан казiр когамнын барлык тараптарын сапалы терен кайта куру жолында. "
    "Улт Көшбасшысынын торенiрегiне жалпыказакстандык топтасуды дамыту.\n"
).replace("ө", "о")
RUSSIAN = "Съешь же ещё этих мягких французских булок, да выпей чаю. Широкая электрификация.\n"


def test_utf8_plain_and_bom():
    assert decode_bytes(KAZAKH.encode("utf-8")) == (KAZAKH, "utf-8")
    text, enc = decode_bytes(codecs.BOM_UTF8 + KAZAKH.encode("utf-8"))
    assert (text, enc) == (KAZAKH, "utf-8-sig")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom(codec):
    bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
    text, enc = decode_bytes(bom + KAZAKH.encode(codec))
    assert text == KAZAKH and enc == "utf-16"


def test_kz1048_detected_and_decoded_exactly():
    data = (KAZAKH * 3).encode("kz1048")
    assert any(b in DIFFERING_BYTES for b in data)
    text, enc = decode_bytes(data)
    assert enc == "kz1048"
    assert text == KAZAKH * 3


def test_cp1251_lookalike_text_is_windows_1251():
    data = (LOOKALIKE * 3).encode("cp1251")
    text, enc = decode_bytes(data)
    assert enc == "cp1251"
    assert text == LOOKALIKE * 3


def test_cp1251_russian():
    text, enc = decode_bytes((RUSSIAN * 2).encode("cp1251"))
    assert enc == "cp1251" and text == RUSSIAN * 2


def test_cp1251_with_ukrainian_letters_stays_cp1251():
    # ї є ґ are cp1251 letters at differing positions; in KZ-1048 they would be ү ғ ө.
    uk = "Україна — це її земля, її пісні. Ґанок і подвір'я. Євген прийшов.\n" * 8
    text, enc = decode_bytes(uk.encode("cp1251"))
    assert enc == "cp1251" and text == uk


def test_binary_refused():
    with pytest.raises(BinaryContent):
        decode_bytes(b"\x00\x01\x02PK\x03\x04" + bytes(range(256)))


def test_random_bytes_refused():
    rnd = random.Random(7)
    data = bytes(rnd.randrange(128, 256) for _ in range(3000))
    with pytest.raises(EncodingUndetermined, match="encoding could not be determined"):
        decode_bytes(data)


FRENCH = "Le café où l'été déçoit: naïve façade, élève à Noël. " * 20


def test_latin1_text_read_as_latin_not_as_cyrillic():
    # charset-normalizer, the fallback after KZ-1048/Windows-1251, reads it as Western text.
    text, enc = decode_bytes(FRENCH.encode("latin-1"))
    assert text == FRENCH and enc in ("cp1252", "latin_1", "iso8859_15")


@pytest.mark.parametrize("codec", ["koi8-r", "cp866"])
def test_other_russian_code_pages_by_fallback(codec):
    text, enc = decode_bytes((RUSSIAN * 10).encode(codec))
    assert text == RUSSIAN * 10 and enc not in ("kz1048", "cp1251")


def test_fallback_guess_refused_when_it_reads_as_mojibake():
    # charset-normalizer guesses Latin-6 for Turkish cp1254 ("įalýþýyorum"): refused, not
    # indexed as mojibake.
    turkish = "Türkçe öğrenmek için çalışıyorum, şimdi ğüşiöç. " * 10
    with pytest.raises(EncodingUndetermined):
        decode_bytes(turkish.encode("cp1254"))


def test_damaged_utf8_refused():
    data = (KAZAKH * 5).encode("utf-8")
    data = data[:100] + b"\xff" + data[100:]
    with pytest.raises(EncodingUndetermined, match="mostly UTF-8"):
        decode_bytes(data)


def test_plausibility_of_mojibake_is_low():
    mojibake = (KAZAKH * 2).encode("utf-8").decode("cp1251", errors="replace")
    assert plausibility(mojibake) < 0.6
    assert plausibility(KAZAKH) > 0.95
