package parser

import (
	"strings"
	"unicode/utf8"

	"github.com/jhillyerd/enmime/v2"
	"golang.org/x/text/encoding/charmap"
)

// body normalises a decoded body: valid UTF-8 and "\n" line ends. When no
// text part declared a charset (undeclared), text holding 8-bit bytes is
// UTF-8 when it holds UTF-8 sequences (what mailers write today; broken bytes
// become U+FFFD), else Windows-1252, the superset of Latin-1 that old mailers
// meant.
func body(s string, undeclared bool) string {
	if undeclared {
		if b, ok := sentBytes(s); ok {
			// enmime read the 8-bit bytes of (default) us-ascii text as
			// Windows-1252: these are the bytes as sent.
			s = string(b)
		}
		if !utf8.ValidString(s) && !hasMultibyteUTF8(s) {
			if d, err := charmap.Windows1252.NewDecoder().String(s); err == nil {
				s = d
			}
		}
	}
	return strings.ReplaceAll(valid(s), "\r\n", "\n")
}

// noDeclaredCharset reports whether no text part of the mail names a charset
// other than us-ascii (which is also the default, RFC 2045 section 5.2): 8-bit
// bytes in such text are the sender's undeclared charset.
func noDeclaredCharset(root *enmime.Part) bool {
	undeclared := true
	walkParts(root, func(p *enmime.Part) {
		cs := strings.ToLower(p.Charset)
		if cs != "" && cs != "us-ascii" && cs != "ascii" && (p.ContentType == "" || strings.HasPrefix(p.ContentType, "text/")) {
			undeclared = false
		}
	})
	return undeclared
}

// sentBytes returns the bytes s was read from one to one as Windows-1252 (how
// enmime reads 8-bit bytes in us-ascii text), when s has a non-ASCII rune and
// every rune has a Windows-1252 byte; ok is false otherwise.
func sentBytes(s string) (b []byte, ok bool) {
	high := false
	for _, r := range s {
		if r > 0x7F {
			high = true
			break
		}
	}
	if !high {
		return nil, false
	}
	enc, err := charmap.Windows1252.NewEncoder().String(s)
	if err != nil {
		return nil, false
	}
	return []byte(enc), true
}

// hasMultibyteUTF8 reports whether s holds at least one valid multi-byte
// UTF-8 sequence: then it is UTF-8 with some broken bytes, not Latin-1.
func hasMultibyteUTF8(s string) bool {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if n > 1 && r != utf8.RuneError {
			return true
		}
		i += n
	}
	return false
}
