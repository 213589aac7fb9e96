"""Every diagnostic code, its severity and a one-line title.

Codes are stable: a code is never reused for another meaning. The long
explanation of each lives in `explain/CODE.md` (`sorac explain CODE`).
Ranges: E1xx syntax, E2xx names and imports, E3xx units and types, E4xx time,
E5xx model capability and budget, E6xx other values, W1xx prompt craft,
W2xx other warnings, N0xx notes.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CodeInfo:
    code: str
    severity: str
    title: str


_TABLE = """
E101 error unexpected input
E102 error missing `:` after a block header
E103 error tab in indentation
E104 error unterminated string
E105 error unknown unit
E106 error empty block
E107 error statement in the wrong block
E108 error inconsistent indentation
E109 error unexpected character
E110 error malformed literal
E111 error number with too many digits
E112 error control character in a string
E113 error too many syntax errors
E201 error unknown name
E202 error wrong kind of name
E203 error duplicate declaration
E204 error module not found
E205 error path leaves the project
E206 error import cycle
E207 error ambiguous name
E208 error `from` cycle
E209 error `reference last frame of` cycle
E210 error unknown word
E211 error statement set twice
E212 error lighting anchor without a palette
E301 error wrong unit
E302 error expected a whole number
E303 error expected yes or no
E304 error argument not taken
E305 error missing argument
E401 error cut outside the clip
E402 error cuts out of order or overlapping
E403 error cut shorter than one second
E404 error outside the clip
E405 error outside its cut
E406 error range ends before it starts
E407 error beats overlap
E408 error moves on one axis overlap
E409 error range and `over` disagree
E410 error dialogue too long for its clip
E411 error `at` lines out of order
E412 error crossfade too long
E413 error extension length not allowed
E414 error too many extensions
E415 error wrong kind of timing
E416 error timed and untimed beats mixed
E417 error dialogue lines overlap
E501 error size not offered by the model
E502 error duration not offered by the model
E503 error reference image not found
E504 error reference image of the wrong format
E505 error reference image size does not match
E506 error too many cameo characters
E507 error over budget
E508 error budget cannot be proven
E509 error model takes no reference image
E510 error request parameter not taken
E511 error sequence mixes formats
E512 error model needs a reference image
E601 error blend does not sum to 100%
E602 error value out of range
E603 error inconsistent model profile
W101 warning vague descriptor
W102 warning impossible physics
W103 warning readable text in frame
W104 warning close-up of hands
W105 warning contradictory traits
W106 warning overloaded shot
W107 warning more than four beats
W108 warning long clip
W109 warning no sound cue
W110 warning no camera block
W111 warning no lighting block
W112 warning cut written in prose
W113 warning rapid cuts
W114 warning text rendered in frame
W115 warning remix asks for more than one change
W116 warning no style
W117 warning prompt too long
W118 warning style names other optics
W119 warning character named but not cast
W120 warning time or weather contradicted
W121 warning framing words contradict the framing
W122 warning rig cannot make the move
W123 warning text names another shot
W124 warning dead air
W125 warning colour temperature contradicts its words
W126 warning speaker cannot be seen
W127 warning lines of two blocks overlap
W201 warning palette size
W202 warning camera move too fast
W203 warning audio dropped
W204 warning dialogue crowds its clip
N001 note retired model
N002 note cost unknown
"""

CODES: dict[str, CodeInfo] = {}
for _row in _TABLE.strip().splitlines():
    _code, _severity, _title = _row.split(" ", 2)
    CODES[_code] = CodeInfo(_code, _severity, _title)
