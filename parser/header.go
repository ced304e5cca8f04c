package parser

import (
	"bytes"
	"mime"
	"net/textproto"
	"regexp"
	"strings"

	"github.com/emersion/go-message/charset"
)

// wordDecoder decodes RFC 2047 encoded words in every charset go-message knows.
var wordDecoder = &mime.WordDecoder{CharsetReader: charset.Reader}

// rawHeader is a header block read leniently by splitHeader.
type rawHeader map[string][]string

func (h rawHeader) Values(name string) []string { return h[textproto.CanonicalMIMEHeaderKey(name)] }

func (h rawHeader) Text(name string) string {
	if v := h.Values(name); len(v) > 0 {
		return decodeText(v[0])
	}
	return ""
}

// splitHeader reads the header block of raw as far as it goes (RFC 5322
// section 2.2: a line with a colon starts a field, a line starting with white
// space continues it; a blank line or a line that is neither ends the block)
// and returns it with the rest of raw.
func splitHeader(raw []byte) (rawHeader, []byte) {
	h := rawHeader{}
	var name string
	rest := raw
	for len(rest) > 0 {
		line, after, found := bytes.Cut(rest, []byte("\n"))
		if !found {
			after = nil
		}
		text := strings.TrimRight(string(line), "\r")
		if text == "" {
			return h, after
		}
		switch {
		case (text[0] == ' ' || text[0] == '\t') && name != "":
			vals := h[name]
			vals[len(vals)-1] += " " + strings.TrimSpace(text)
		case strings.Contains(text, ":") && !strings.ContainsAny(text[:strings.Index(text, ":")], " \t"):
			n, v, _ := strings.Cut(text, ":")
			name = textproto.CanonicalMIMEHeaderKey(n)
			h[name] = append(h[name], strings.TrimSpace(v))
		case strings.Contains(text, ":") && len(h) == 0:
			// A mangled first field ("Fro :m x"): skip it, read on.
			name = ""
		default:
			// Not a header line: the body started without a blank line.
			return h, rest
		}
		rest = after
	}
	return h, rest
}

// msgIDChars is what a msg-id may hold here: no brackets, no white space, no
// control characters.
const msgIDChars = `[^<>\s\x00-\x1f\x7f]+`

var (
	msgIDPattern = regexp.MustCompile(`<(` + msgIDChars + `)>`)
	bareMsgID    = regexp.MustCompile(`^<?(` + msgIDChars + `@` + msgIDChars + `)>?$`)
)

// MsgIDs returns the msg-ids in a Message-ID, In-Reply-To or References value
// (RFC 5322 section 3.6.4), without angle brackets, in order, each once.
// Mailers that forget a bracket or both are forgiven when the value is one
// word containing "@"; comments and other text between ids are ignored.
func MsgIDs(v string) []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range msgIDPattern.FindAllStringSubmatch(v, -1) {
		id := valid(m[1])
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	if len(out) == 0 {
		if m := bareMsgID.FindStringSubmatch(strings.TrimSpace(v)); m != nil {
			out = append(out, valid(m[1]))
		}
	}
	return out
}
