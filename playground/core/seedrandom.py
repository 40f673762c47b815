"""TensorFlow Playground's random numbers: a port of the npm ``seedrandom`` 2.4.x ``Math.seedrandom(seed)``.

The page seeds one stream with a string such as ``"0.12345"`` and draws its data, its shuffle and its
initial weights from it. This is the same ARC4 generator, giving the very same doubles bit for bit:

- the seed string is mixed into a key of at most 256 bytes (``mixkey``: UTF-16 code units, "smeared");
- ARC4 is keyed with it and its first 256 bytes are thrown away;
- a double in [0, 1) is built from 7 or more ARC4 bytes so that all 52 significant bits are random.

All arithmetic is on exact integers (the JavaScript original only ever holds integers below 2^53
and powers of two), so the result does not depend on floating-point rounding.
"""

from __future__ import annotations

_WIDTH = 256  # each ARC4 output is a byte
_MASK = _WIDTH - 1
_CHUNKS = 6  # at least six bytes for each double
_START_DENOM = _WIDTH**_CHUNKS  # 2^48
_SIGNIFICANCE = 2**52
_OVERFLOW = 2 * _SIGNIFICANCE


def _utf16_units(text: str) -> list[int]:
    """JavaScript's ``charCodeAt`` values: UTF-16 code units of ``text``."""
    raw = text.encode("utf-16-le", "surrogatepass")
    return [raw[i] | (raw[i + 1] << 8) for i in range(0, len(raw), 2)]


def mix_key(seed: str) -> list[int]:
    """seedrandom's ``mixkey(seed, [])``: the ARC4 key (≤ 256 bytes) for a string seed."""
    key: list[int] = []
    smear = 0
    for j, unit in enumerate(_utf16_units(seed)):
        slot = j & _MASK
        old = key[slot] if slot < len(key) else 0  # JavaScript's undefined * 19 is NaN, and NaN ^ s == s
        smear ^= old * 19
        value = _MASK & (smear + unit)
        if slot < len(key):
            key[slot] = value
        else:
            key.append(value)
    return key


class SeedRandom:
    """The generator ``Math.seedrandom(seed)`` installs as ``Math.random``.

    >>> rng = SeedRandom("0.12345")
    >>> 0.0 <= rng.random() < 1.0
    True
    """

    def __init__(self, seed: str) -> None:
        key = mix_key(seed) or [0]  # an empty key becomes [0], as in ARC4()
        s = list(range(_WIDTH))
        j = 0
        for i in range(_WIDTH):
            t = s[i]
            j = _MASK & (j + key[i % len(key)] + t)
            s[i] = s[j]
            s[j] = t
        self._s = s
        self._i = 0
        self._j = 0
        self._bytes(_WIDTH)  # RC4-drop[256]

    def _bytes(self, count: int) -> int:
        """The next ``count`` ARC4 bytes as one big-endian integer (``arc4.g(count)``)."""
        s, i, j = self._s, self._i, self._j
        r = 0
        for _ in range(count):
            i = _MASK & (i + 1)
            t = s[i]
            j = _MASK & (j + t)
            s[i] = s[j]
            s[j] = t
            r = r * _WIDTH + s[_MASK & (s[i] + t)]
        self._i, self._j = i, j
        return r

    def random(self) -> float:
        """The next double in [0, 1), as ``Math.random()`` after ``Math.seedrandom(seed)``."""
        n = self._bytes(_CHUNKS)  # numerator < 2^48
        d = _START_DENOM
        x = 0  # an extra last byte
        while n < _SIGNIFICANCE:  # fill all 52 significant bits
            n = (n + x) * _WIDTH
            d *= _WIDTH
            x = self._bytes(1)
        while n >= _OVERFLOW:  # shift right (exactly: n is a multiple of 256) so as not to round up
            n //= 2
            d //= 2
            x >>= 1
        return (n + x) / d  # exact: n + x < 2^53 and d is a power of two
